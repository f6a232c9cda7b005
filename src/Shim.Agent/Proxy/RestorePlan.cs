using System.Text;

namespace Shim.Agent.Proxy;

/// <summary>
/// The iptables-restore input of one sync and the chains it writes and deletes. Without a previous ruleset (a full
/// sync) every chain is written; with one (a partial sync) only the chains whose rules differ from what was applied
/// last, so an endpoint change rewrites its SVC and SEP chains and leaves the thousands of others alone, as upstream's
/// partial syncs do. Chains are deleted by flushing them (a ":CHAIN" line) and then "-X", once nothing refers to them.
/// </summary>
public sealed class RestorePlan
{
    private RestorePlan(string input, IReadOnlyList<ChainKey> written, IReadOnlyList<ChainKey> deleted)
    {
        Input = input;
        Written = written;
        Deleted = deleted;
    }

    /// <summary>The iptables-restore input: "" when nothing changed.</summary>
    public string Input { get; }

    public IReadOnlyList<ChainKey> Written { get; }

    public IReadOnlyList<ChainKey> Deleted { get; }

    /// <param name="desired">The ruleset to reach.</param>
    /// <param name="applied">The ruleset the last successful sync applied, or null to write every chain.</param>
    /// <param name="existing">Chains found in iptables (full syncs): SHIM- chains among them that <paramref name="desired"/> lacks are deleted.</param>
    public static RestorePlan Create(ProxyRuleSet desired, ProxyRuleSet? applied, IEnumerable<ChainKey> existing)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(existing);
        var written = applied is null
            ? desired.Chains.ToList()
            : desired.Chains.Where(c => applied.ByKey.GetValueOrDefault(c.Key)?.Text != c.Text).ToList();
        var deleted = (applied?.Chains.Select(c => c.Key) ?? [])
            .Concat(existing.Where(k => k.Name.StartsWith(ProxyChainNames.Prefix, StringComparison.Ordinal)))
            .Where(k => !desired.ByKey.ContainsKey(k))
            .Distinct()
            .ToList();
        if (written.Count == 0 && deleted.Count == 0)
        {
            return new RestorePlan("", [], []);
        }

        var input = new StringBuilder(written.Sum(c => c.Text.Length + 30) + (deleted.Count * 60) + 64);
        foreach (var table in new[] { ProxyRuleSet.FilterTable, ProxyRuleSet.NatTable })
        {
            var tableWritten = written.Where(c => c.Table == table).ToList();
            var tableDeleted = deleted.Where(k => k.Table == table).ToList();
            if (tableWritten.Count == 0 && tableDeleted.Count == 0)
            {
                continue;
            }

            input.Append('*').Append(table).Append('\n');
            foreach (var name in tableWritten.Select(c => c.Name).Concat(tableDeleted.Select(k => k.Name)))
            {
                input.Append(':').Append(name).Append(" - [0:0]\n");
            }

            foreach (var chain in tableWritten.Where(c => c.Rules.Count > 0))
            {
                input.Append(chain.Text).Append('\n');
            }

            foreach (var key in tableDeleted)
            {
                input.Append("-X ").Append(key.Name).Append('\n');
            }

            input.Append("COMMIT\n");
        }

        return new RestorePlan(input.ToString(), [.. written.Select(c => c.Key)], deleted);
    }
}
