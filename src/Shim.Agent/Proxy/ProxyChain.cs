namespace Shim.Agent.Proxy;

/// <summary>One chain of the ruleset: its table, name and complete iptables-restore rule lines ("-A NAME ...").</summary>
public sealed class ProxyChain(string table, string name, IReadOnlyList<string> rules)
{
    private string? _text;

    public string Table { get; } = table;

    public string Name { get; } = name;

    public IReadOnlyList<string> Rules { get; } = rules;

    public ChainKey Key => new(Table, Name);

    /// <summary>The rules as restore input lines.</summary>
    public string Text => _text ??= string.Join('\n', Rules);

    /// <summary>
    /// True when <paramref name="other"/> has the same rules. Rules reused from an earlier render are the same string
    /// instances, so comparing SHIM-SERVICES (one rule per service port) costs little and builds no text.
    /// </summary>
    public bool SameRules(ProxyChain? other) =>
        ReferenceEquals(this, other) ||
        (other is not null && other.Rules.Count == Rules.Count && Rules.SequenceEqual(other.Rules, StringComparer.Ordinal));

    public override string ToString() => $"{Table} {Name} ({Rules.Count} rules)";
}
