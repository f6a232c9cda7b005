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
    private static readonly string[] Tables = [ProxyRuleSet.FilterTable, ProxyRuleSet.NatTable];

    private RestorePlan(string input, IReadOnlyList<ChainKey> written, IReadOnlyList<ChainKey> deleted, IReadOnlyList<JumpRule> jumpsInserted)
    {
        Input = input;
        Written = written;
        Deleted = deleted;
        JumpsInserted = jumpsInserted;
    }

    /// <summary>The iptables-restore input: "" when nothing changed.</summary>
    public string Input { get; }

    public IReadOnlyList<ChainKey> Written { get; }

    public IReadOnlyList<ChainKey> Deleted { get; }

    public IReadOnlyList<JumpRule> JumpsInserted { get; }

    /// <param name="desired">The ruleset to reach.</param>
    /// <param name="applied">The ruleset the last successful sync applied, or null to write every chain.</param>
    /// <param name="current">
    /// What iptables holds now, for full syncs: its SHIM- chains that <paramref name="desired"/> lacks are deleted and
    /// the jump rules it lacks are inserted. Null for partial syncs, which trust <paramref name="applied"/>.
    /// </param>
    public static RestorePlan Create(ProxyRuleSet desired, ProxyRuleSet? applied, IptablesSnapshot? current)
    {
        ArgumentNullException.ThrowIfNull(desired);
        List<ProxyChain> written;
        List<ChainKey> deleted;
        if (applied is null)
        {
            written = [.. desired.Chains];
            deleted = [.. (current?.Chains ?? []).Where(k => Tables.Contains(k.Table) && k.Name.StartsWith(ProxyChainNames.Prefix, StringComparison.Ordinal) && !desired.ByKey.ContainsKey(k))];
        }
        else
        {
            (written, deleted) = Changes(desired, applied);
        }

        // Each jump goes to the top of its chain: inserting a chain's jumps last to first leaves them in the listed order.
        // Jumps from elsewhere (e.g. FORWARD, before Docker's DOCKER-USER existed) are removed.
        var wanted = current is null ? [] : JumpRule.For(current);
        var jumps = current is null ? [] : current.MissingJumps(wanted.Reverse()).ToList();
        var strayJumps = current is null ? [] : Tables.SelectMany(t => current.StrayJumps(t, wanted).Select(r => (Table: t, Rule: r))).ToList();
        if (written.Count == 0 && deleted.Count == 0 && jumps.Count == 0 && strayJumps.Count == 0)
        {
            return new RestorePlan("", [], [], []);
        }

        var input = new StringBuilder(written.Sum(c => c.Text.Length + 30) + (deleted.Count * 60) + 1024);
        foreach (var table in Tables)
        {
            var tableWritten = written.Where(c => c.Table == table).ToList();
            var tableDeleted = deleted.Where(k => k.Table == table).Select(k => k.Name).ToList();
            // "-A CHAIN spec" as iptables-save printed it is exactly what "-D CHAIN spec" needs.
            List<string> tableJumps = [.. strayJumps.Where(j => j.Table == table).Select(j => "-D" + j.Rule[2..]), .. jumps.Where(j => j.Table == table).Select(j => j.InsertLine)];
            AppendTable(input, table, tableWritten, tableDeleted, tableJumps);
        }

        return new RestorePlan(input.ToString(), [.. written.Select(c => c.Key)], deleted, jumps);
    }

    /// <summary>
    /// The chains to write and delete going from <paramref name="applied"/> to <paramref name="desired"/>. A port whose
    /// rules the render reused (the same instance) has not changed; only the others are compared chain by chain, so
    /// this costs little at thousands of services.
    /// </summary>
    private static (List<ProxyChain> Written, List<ChainKey> Deleted) Changes(ProxyRuleSet desired, ProxyRuleSet applied)
    {
        var appliedShared = applied.SharedChains.ToDictionary(c => c.Key);
        List<ProxyChain> written = [.. desired.SharedChains.Where(c => !c.SameRules(appliedShared.GetValueOrDefault(c.Key)))];
        var desiredShared = desired.SharedChains.Select(c => c.Key).ToHashSet();
        List<ChainKey> deleted = [.. applied.SharedChains.Select(c => c.Key).Where(k => !desiredShared.Contains(k))];
        foreach (var port in desired.Ports)
        {
            var before = applied.PortsByKey.GetValueOrDefault(port.Port.Key);
            if (!ReferenceEquals(port, before))
            {
                var old = before?.Chains.ToDictionary(c => c.Key) ?? [];
                written.AddRange(port.Chains.Where(c => !c.SameRules(old.GetValueOrDefault(c.Key))));
                var kept = port.Chains.Select(c => c.Key).ToHashSet();
                deleted.AddRange(old.Keys.Where(k => !kept.Contains(k)));
            }
        }

        foreach (var port in applied.Ports.Where(p => !desired.PortsByKey.ContainsKey(p.Port.Key)))
        {
            deleted.AddRange(port.Chains.Select(c => c.Key));
        }

        return (written, deleted);
    }

    /// <summary>Removes every SHIM- chain in <paramref name="current"/> and every rule elsewhere that jumps into one.</summary>
    public static RestorePlan Cleanup(IptablesSnapshot current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var input = new StringBuilder();
        List<ChainKey> deleted = [];
        foreach (var table in Tables)
        {
            var chains = current.Chains.Where(k => k.Table == table && k.Name.StartsWith(ProxyChainNames.Prefix, StringComparison.Ordinal)).Select(k => k.Name).ToList();
            var jumps = current.JumpsIntoShimChains(table).Select(r => "-D" + r[2..]).ToList();
            AppendTable(input, table, [], chains, jumps);
            deleted.AddRange(chains.Select(name => new ChainKey(table, name)));
        }

        return new RestorePlan(input.ToString(), [], deleted, []);
    }

    private static void AppendTable(StringBuilder input, string table, List<ProxyChain> written, List<string> deleted, List<string> commands)
    {
        if (written.Count == 0 && deleted.Count == 0 && commands.Count == 0)
        {
            return;
        }

        input.Append('*').Append(table).Append('\n');
        foreach (var name in written.Select(c => c.Name).Concat(deleted))
        {
            input.Append(':').Append(name).Append(" - [0:0]\n");
        }

        foreach (var chain in written.Where(c => c.Rules.Count > 0))
        {
            input.Append(chain.Text).Append('\n');
        }

        foreach (var command in commands)
        {
            input.Append(command).Append('\n');
        }

        foreach (var name in deleted)
        {
            input.Append("-X ").Append(name).Append('\n');
        }

        input.Append("COMMIT\n");
    }
}
