namespace Shim.Agent.Proxy;

/// <summary>Identifies a service port: what endpoint slice ports are matched to (by name and protocol).</summary>
/// <param name="Protocol">Lower case: tcp, udp, sctp.</param>
public readonly record struct ServicePortKey(string Namespace, string Service, string Port, string Protocol);
