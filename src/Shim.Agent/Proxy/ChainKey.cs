namespace Shim.Agent.Proxy;

/// <summary>A chain's identity: the same name in nat and filter are two chains (SHIM-SERVICES is in both).</summary>
public readonly record struct ChainKey(string Table, string Name)
{
    public override string ToString() => $"{Table}/{Name}";
}
