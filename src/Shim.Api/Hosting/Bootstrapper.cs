using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Shim.Api.Errors;
using Shim.Api.Registry;
using Shim.Api.Watch;

namespace Shim.Api.Hosting;

/// <summary>Creates what every cluster has from the start: the default, kube-system, kube-public and kube-node-lease namespaces.</summary>
public sealed class Bootstrapper(GenericRegistry registry, WatchCacheHub hub) : BackgroundService
{
    private static readonly string[] SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Done => _done.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await hub.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        var namespaces = registry.Resources.Get("", "namespaces");
        foreach (var name in SystemNamespaces)
        {
            try
            {
                var ns = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } };
                await registry.CreateAsync(namespaces, ns, dryRun: false, stoppingToken).ConfigureAwait(false);
            }
            catch (ApiException ex) when (ex.Code == 409)
            {
                // Already there from an earlier start (or another API server).
            }
        }

        _done.TrySetResult();
    }
}
