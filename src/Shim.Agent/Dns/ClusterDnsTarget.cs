using System.Net;

namespace Shim.Agent.Dns;

/// <summary>
/// One address a cluster name leads to, with the port an SRV record would carry (-1: none) and the name below the
/// zone that SRV records use as their target.
/// </summary>
internal sealed record ClusterDnsTarget(IPAddress Address, int Port, string RelativeName);
