using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shim.Api.Errors;
using Shim.Api.Hosting;
using Shim.Api.Json;
using Shim.Api.Registry;
using Shim.Api.Resources;
using Shim.Api.Watch;
using Shim.Storage;

namespace Shim.Api.ServiceNetwork;

/// <summary>
/// What each API server keeps in place every <see cref="Interval"/>, like upstream's kubernetesservice controller
/// with the lease endpoint reconciler: its identity Lease in kube-system (renewed each pass, carrying its advertised
/// address:port), the kubernetes and kube-dns Services (created when missing; the kubernetes Service's ports and
/// type are reset when changed), and the kubernetes Endpoints and EndpointSlice listing every API server whose lease
/// is live. Upstream's identity leases last an hour and its endpoint leases 15 s; here the identity lease is the
/// liveness signal, so it lasts <see cref="LeaseDurationSeconds"/>. All API servers must serve on the same port, as
/// upstream assumes: the endpoints carry one port. On graceful shutdown the server removes its lease and its address.
/// </summary>
public sealed partial class KubernetesServiceReconciler(GenericRegistry registry, IStore store, ServiceNetworkConfig config, Bootstrapper bootstrapper,
    TimeProvider clock, ILogger<KubernetesServiceReconciler> logger) : BackgroundService
{
    public const int LeaseDurationSeconds = 45;
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private const string Manager = "kube-apiserver";

    private readonly LeaseLiveness _liveness = new(TimeSpan.FromSeconds(LeaseDurationSeconds));
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _holderIdentity;

    /// <summary>This server's identity lease in kube-system.</summary>
    public string LeaseName { get; } = ApiServerIdentity.LeaseName(Dns.GetHostName(), config.AdvertiseAddress, config.Port);

    /// <summary>Completes after the first successful pass (tests and readiness wait on it).</summary>
    public Task FirstPass => _firstPass.Task;

    private ResourceDefinition Leases => registry.Resources.Get("coordination.k8s.io", "leases");

    private ResourceDefinition Services => registry.Resources.Get("", "services");

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    /// <summary>One pass; public so that tests can drive passes without waiting.</summary>
    public async Task ReconcileOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = clock.GetUtcNow();
            await RenewLeaseAsync(now, cancellationToken).ConfigureAwait(false);
            await EnsureKubernetesServiceAsync(cancellationToken).ConfigureAwait(false);
            await EnsureServiceAsync(SystemObjects.NewKubeDnsService(config), cancellationToken).ConfigureAwait(false);
            await SyncEndpointsAsync(await LiveAddressesAsync(now, includeSelf: true, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            _firstPass.TrySetResult();
        }
        finally
        {
            _gate.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await IgnoreNotFound(registry.DeleteAsync(Leases, "kube-system", LeaseName, DeleteOptions.Default, cancellationToken)).ConfigureAwait(false);
            var others = await LiveAddressesAsync(clock.GetUtcNow(), includeSelf: false, cancellationToken).ConfigureAwait(false);
            // As upstream, the last server leaves its address rather than erase every endpoint.
            if (others.Count > 0)
            {
                await SyncEndpointsAsync(others, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is ApiException or RedisStoreConnectionException)
        {
            LogRemoveFailed(logger, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await bootstrapper.Done.WaitAsync(stoppingToken).ConfigureAwait(false);
        if (!Listable(config.AdvertiseAddress))
        {
            LogUnlistedAddress(logger, config.AdvertiseAddress.ToString());
        }

        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await ReconcileOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ApiException or RedisStoreConnectionException)
            {
                // A refused write or an unreachable store: the next pass tries again.
                LogPassFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task RenewLeaseAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        _holderIdentity ??= $"{LeaseName}_{Guid.NewGuid()}";
        var renewTime = SystemObjects.MicroTime(now);
        await UpsertAsync(Leases, "coordination.k8s.io/v1", "Lease", "kube-system", LeaseName, lease =>
        {
            var labels = lease.Metadata().Ensure("labels");
            labels[ApiServerIdentity.IdentityLabel] = ApiServerIdentity.IdentityValue;
            if (Dns.GetHostName() is { Length: > 0 and <= 63 } host)
            {
                labels[ApiServerIdentity.HostnameLabel] = host;
            }

            lease.Metadata().Ensure("annotations")[ApiServerIdentity.AdvertiseAddressAnnotation] = ApiServerIdentity.AddressAndPort(config.AdvertiseAddress, config.Port);
            var spec = lease.Ensure("spec");
            if (spec.Str("holderIdentity") != _holderIdentity)
            {
                spec["holderIdentity"] = _holderIdentity;
                spec["acquireTime"] = renewTime;
            }

            spec["leaseDurationSeconds"] = LeaseDurationSeconds;
            spec["renewTime"] = renewTime;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureKubernetesServiceAsync(CancellationToken cancellationToken)
    {
        var current = await registry.GetFromStoreAsync(Services, "default", SystemObjects.KubernetesService, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            await EnsureServiceAsync(SystemObjects.NewKubernetesService(config), cancellationToken).ConfigureAwait(false);
            return;
        }

        var ports = SystemObjects.KubernetesServicePorts(config);
        if (current.Str("spec", "type") == "ClusterIP" && JsonNode.DeepEquals(current.At("spec", "ports"), ports))
        {
            return;
        }

        LogResetService(logger);
        await registry.UpdateAsync(Services, "default", SystemObjects.KubernetesService, Subresource.None, dryRun: false, service =>
        {
            service.Ensure("spec")["type"] = "ClusterIP";
            service.Ensure("spec")["ports"] = SystemObjects.KubernetesServicePorts(config);
            return service;
        }, cancellationToken, Manager).ConfigureAwait(false);
    }

    /// <summary>Creates the Service when it is missing; an existing one is left as its owner made it.</summary>
    private async Task EnsureServiceAsync(JsonObject service, CancellationToken cancellationToken)
    {
        var ns = service.Str("metadata", "namespace");
        var name = service.Str("metadata", "name")!;
        if (await registry.GetFromStoreAsync(Services, ns, name, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        try
        {
            await registry.CreateAsync(Services, service, dryRun: false, cancellationToken, Manager).ConfigureAwait(false);
            LogCreatedService(logger, ns!, name);
        }
        catch (ApiException ex) when (ex.Code == 409)
        {
            // Another API server created it first.
        }
        catch (ApiException ex) when (ex.Code is 422 or 500)
        {
            // Its address is taken (or the range is full): say so, and keep the endpoints going; the next pass retries.
            LogServiceRefused(logger, ns!, name, ex.Message);
        }
    }

    /// <summary>Advertised addresses of the API servers whose identity lease is live; expired leases this server watched die are deleted.</summary>
    private async Task<List<IPAddress>> LiveAddressesAsync(DateTimeOffset now, bool includeSelf, CancellationToken cancellationToken)
    {
        var snapshot = await store.ListAsync(Leases.NamespacePrefix("kube-system"), cancellationToken).ConfigureAwait(false);
        var addresses = new SortedSet<IPAddress>(Comparer<IPAddress>.Create((a, b) => a.GetAddressBytes().AsSpan().SequenceCompareTo(b.GetAddressBytes())));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in snapshot.Entries)
        {
            var lease = CachedObject.FromStored(entry.Key, entry.Value, entry.ModRevision).Object;
            var name = lease.Str("metadata", "name") ?? "";
            if (lease.Str("metadata", "labels", ApiServerIdentity.IdentityLabel) != ApiServerIdentity.IdentityValue || (!includeSelf && name == LeaseName))
            {
                continue;
            }

            names.Add(name);
            var renewTime = DateTimeOffset.TryParse(lease.Str("spec", "renewTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var renewed) ? renewed : (DateTimeOffset?)null;
            if (name == LeaseName || _liveness.IsLive(name, entry.ModRevision.ToString(CultureInfo.InvariantCulture), renewTime, now))
            {
                if (AddressOf(lease) is { } address && Listable(address))
                {
                    addresses.Add(address);
                }
            }
            else if (_liveness.IsObservedExpired(name, now))
            {
                var options = DeleteOptions.Default with { PreconditionResourceVersion = entry.ModRevision.ToString(CultureInfo.InvariantCulture) };
                await IgnoreNotFound(registry.DeleteAsync(Leases, "kube-system", name, options, cancellationToken)).ConfigureAwait(false);
            }
        }

        _liveness.Retain(names);
        return [.. addresses];
    }

    private async Task SyncEndpointsAsync(List<IPAddress> addresses, CancellationToken cancellationToken)
    {
        if (addresses.Count == 0)
        {
            // Endpoints must list an address; with none (only unlistable ones) there is nothing to publish.
            return;
        }

        await UpsertAsync(registry.Resources.Get("", "endpoints"), "v1", "Endpoints", "default", SystemObjects.KubernetesService,
            e => SystemObjects.SetEndpoints(e, addresses, config.Port), cancellationToken).ConfigureAwait(false);
        await UpsertAsync(registry.Resources.Get("discovery.k8s.io", "endpointslices"), "discovery.k8s.io/v1", "EndpointSlice", "default", SystemObjects.KubernetesService,
            s => SystemObjects.SetEndpointSlice(s, addresses, config.Port), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Updates the object with <paramref name="apply"/> (no write when nothing changes), creating it when missing.</summary>
    private async Task UpsertAsync(ResourceDefinition def, string apiVersion, string kind, string ns, string name, Action<JsonObject> apply, CancellationToken cancellationToken)
    {
        try
        {
            await registry.UpdateAsync(def, ns, name, Subresource.None, dryRun: false, current =>
            {
                apply(current);
                return current;
            }, cancellationToken, Manager).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.Code == 404)
        {
            var created = SystemObjects.NewObject(apiVersion, kind, ns, name);
            apply(created);
            try
            {
                await registry.CreateAsync(def, created, dryRun: false, cancellationToken, Manager).ConfigureAwait(false);
            }
            catch (ApiException conflict) when (conflict.Code == 409)
            {
                // Another API server created it in between; the next pass updates it.
            }
        }
    }

    private static IPAddress? AddressOf(JsonObject lease) =>
        IPEndPoint.TryParse(lease.Str("metadata", "annotations", ApiServerIdentity.AdvertiseAddressAnnotation) ?? "", out var endpoint) ? endpoint.Address : null;

    /// <summary>Endpoints take IPv4 (the service family) addresses that are not loopback, link-local or unspecified.</summary>
    private static bool Listable(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork || IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        return !(bytes[0] == 169 && bytes[1] == 254) && !(bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0);
    }

    private static async Task IgnoreNotFound(Task<DeleteResult> delete)
    {
        try
        {
            await delete.ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.Code is 404 or 409)
        {
            // Gone already, or renewed since it was listed.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created service {Namespace}/{Name}")]
    private static partial void LogCreatedService(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot create service {Namespace}/{Name}: {Reason}")]
    private static partial void LogServiceRefused(ILogger logger, string @namespace, string name, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resetting the ports and type of service default/kubernetes")]
    private static partial void LogResetService(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Advertise address {Address} cannot be listed in the kubernetes endpoints (loopback, link-local or not IPv4); set --advertise-address")]
    private static partial void LogUnlistedAddress(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling the kubernetes service and endpoints failed; retrying")]
    private static partial void LogPassFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove this API server from the kubernetes endpoints")]
    private static partial void LogRemoveFailed(ILogger logger, Exception ex);
}
