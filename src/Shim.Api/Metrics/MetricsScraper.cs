using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shim.Api.Errors;
using Shim.Api.Json;
using Shim.Api.NodeProxy;
using Shim.Api.Resources;
using Shim.Api.Watch;

namespace Shim.Api.Metrics;

/// <summary>
/// metrics-server's scrape loop inside the API server: every <see cref="MetricsStore.Resolution"/> it reads
/// /metrics/resource from the agent of every Ready node (in parallel, each within <see cref="Timeout"/>; a node that
/// fails is skipped this round) and stores the round in the <see cref="MetricsStore"/>.
/// </summary>
public sealed partial class MetricsScraper(
    WatchCacheHub hub, ResourceRegistry registry, IAgentMetricsSource agents, MetricsStore store, TimeProvider clock, ILogger<MetricsScraper> logger)
    : BackgroundService
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>One round: scrape every Ready node, store what arrived.</summary>
    public async Task ScrapeOnceAsync(CancellationToken cancellationToken)
    {
        var nodes = registry.Get("", "nodes");
        var (snapshot, _) = hub.CacheFor(nodes).Current();
        var ready = snapshot.Values.Where(n => n.Object.At("status", "conditions")?.AsArray()
            .Any(c => c.Str("type") == "Ready" && c.Str("status") == "True") == true).ToList();
        var batches = await Task.WhenAll(ready.Select(n => ScrapeNodeAsync(n, cancellationToken))).ConfigureAwait(false);
        var round = new ScrapeBatch();
        foreach (var batch in batches.OfType<ScrapeBatch>())
        {
            round.Merge(batch);
        }

        store.Store(round);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await hub.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(MetricsStore.Resolution, clock);
        do
        {
            await ScrapeOnceAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task<ScrapeBatch?> ScrapeNodeAsync(CachedObject node, CancellationToken cancellationToken)
    {
        try
        {
            var (host, port) = PodConnection.AgentAddress(node.Object, node.Name);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            var text = await agents.ReadAsync(host, port, timeout.Token).ConfigureAwait(false);
            return ResourceMetricsText.Parse(text, clock.GetUtcNow(), node.Name);
        }
        catch (Exception e) when (e is ApiException or HttpRequestException or IOException or System.Security.Authentication.AuthenticationException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogScrapeFailed(logger, node.Name, e.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed to scrape node {Node}: {Error}")]
    private static partial void LogScrapeFailed(ILogger logger, string node, string error);
}
