namespace Shim.Agent.Proxy;

/// <summary>One chain of the ruleset: its table, name and complete iptables-restore rule lines ("-A NAME ...").</summary>
public sealed class ProxyChain(string table, string name, IReadOnlyList<string> rules)
{
    private string? _text;

    public string Table { get; } = table;

    public string Name { get; } = name;

    public IReadOnlyList<string> Rules { get; } = rules;

    public ChainKey Key => new(Table, Name);

    /// <summary>The rules as one string: what a partial sync compares with the last applied version of the chain.</summary>
    public string Text => _text ??= string.Join('\n', Rules);

    public override string ToString() => $"{Table} {Name} ({Rules.Count} rules)";
}
