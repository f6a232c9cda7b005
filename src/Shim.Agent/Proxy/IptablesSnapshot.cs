namespace Shim.Agent.Proxy;

/// <summary>The chains and rules iptables-save printed, by table: what a full sync and the cleanup start from.</summary>
public sealed class IptablesSnapshot
{
    private readonly Dictionary<string, List<string>> _rules;

    private IptablesSnapshot(List<ChainKey> chains, Dictionary<string, List<string>> rules)
    {
        Chains = chains;
        _rules = rules;
    }

    public IReadOnlyList<ChainKey> Chains { get; }

    /// <summary>The "-A CHAIN ..." lines of <paramref name="table"/>.</summary>
    public IReadOnlyList<string> Rules(string table) => _rules.GetValueOrDefault(table) ?? [];

    /// <summary>
    /// True when the jump's built-in chain already has a rule jumping to its target. Matching on the target, not on the
    /// exact spelling of the matches, keeps this right whatever order another iptables version prints them in.
    /// </summary>
    public bool HasJump(JumpRule jump)
    {
        ArgumentNullException.ThrowIfNull(jump);
        return Rules(jump.Table).Any(jump.IsSavedAs);
    }

    /// <summary>The saved rules of <paramref name="table"/> outside the SHIM- chains that jump into one of them.</summary>
    public IEnumerable<string> JumpsIntoShimChains(string table) =>
        Rules(table).Where(r => !r.StartsWith("-A " + ProxyChainNames.Prefix, StringComparison.Ordinal) && r.Contains(" -j " + ProxyChainNames.Prefix, StringComparison.Ordinal));

    /// <summary>The jump rules of <paramref name="wanted"/> this snapshot lacks.</summary>
    public IEnumerable<JumpRule> MissingJumps(IEnumerable<JumpRule> wanted) => wanted.Where(j => !HasJump(j));

    /// <summary>The saved jumps into SHIM- chains in <paramref name="table"/> that are none of <paramref name="wanted"/> (e.g. in FORWARD once DOCKER-USER exists).</summary>
    public IEnumerable<string> StrayJumps(string table, IReadOnlyList<JumpRule> wanted) =>
        JumpsIntoShimChains(table).Where(r => !wanted.Any(j => j.Table == table && j.IsSavedAs(r)));

    /// <summary>Parses iptables-save output (any number of tables).</summary>
    public static IptablesSnapshot Parse(string saveOutput)
    {
        ArgumentNullException.ThrowIfNull(saveOutput);
        List<ChainKey> chains = [];
        Dictionary<string, List<string>> rules = new(StringComparer.Ordinal);
        var table = "";
        foreach (var line in saveOutput.Split('\n'))
        {
            if (line.StartsWith('*'))
            {
                table = line[1..].Trim();
            }
            else if (line.StartsWith(':'))
            {
                // ":NAME POLICY [packets:bytes]"
                var end = line.IndexOf(' ', StringComparison.Ordinal);
                chains.Add(new ChainKey(table, end < 0 ? line[1..] : line[1..end]));
            }
            else if (line.StartsWith("-A ", StringComparison.Ordinal))
            {
                if (!rules.TryGetValue(table, out var list))
                {
                    rules[table] = list = [];
                }

                list.Add(line.TrimEnd());
            }
        }

        return new IptablesSnapshot(chains, rules);
    }
}
