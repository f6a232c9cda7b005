using Microsoft.Extensions.Hosting;
using Shim.Storage;

namespace Shim.Api.Hosting;

/// <summary>Bounds the store's event log: keeps the most recent revisions, drops older history.</summary>
public sealed class Compactor(IStore store, TimeProvider clock) : BackgroundService
{
    public const long RetainedRevisions = 20_000;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var current = await store.CurrentRevisionAsync(stoppingToken).ConfigureAwait(false);
            if (current > RetainedRevisions)
            {
                await store.CompactAsync(current - RetainedRevisions, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
