namespace Shim.Agent.Dns;

/// <summary>One entry of the question section. <paramref name="Name"/> is in presentation form without the final dot.</summary>
public sealed record DnsQuestion(string Name, DnsType Type, ushort Class = DnsClass.Internet);
