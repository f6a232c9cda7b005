namespace Shim.Agent.Dns;

/// <summary>The RDATA of a record: one subclass per layout the cluster DNS understands, raw bytes for the rest.</summary>
public abstract record DnsRecordData;
