namespace Shim.Agent.Proxy;

/// <summary>What one sync did and how long it took (for logs and the benchmark).</summary>
/// <param name="Full">Every chain was written and the jump rules checked (first sync, after a failure, every FullSyncPeriod).</param>
/// <param name="Duration">Render, (full syncs) iptables-save, and the restore, end to end.</param>
/// <param name="RenderDuration">Building the ruleset from the catalog, reading iptables (full syncs) and planning the restore.</param>
/// <param name="RestoreDuration">The iptables-restore run (zero when nothing changed).</param>
/// <param name="Written">The chains the restore wrote.</param>
/// <param name="Deleted">The chains the restore deleted.</param>
/// <param name="JumpsInserted">Jump rules from built-in chains that were missing and got inserted (full syncs).</param>
public sealed record ProxySyncResult(
    bool Full,
    TimeSpan Duration,
    TimeSpan RenderDuration,
    TimeSpan RestoreDuration,
    int ServicePorts,
    int Endpoints,
    int Rules,
    IReadOnlyList<ChainKey> Written,
    IReadOnlyList<ChainKey> Deleted,
    int JumpsInserted);
