namespace Shim.Agent.Proxy;

/// <summary>
/// Which endpoints a service port's traffic may go to (upstream's CategorizeEndpoints, without topology hints).
/// Usable means Ready; when none is, Serving and Terminating endpoints are used instead (so a rolling update that
/// leaves only terminating pods keeps serving), decided separately for the Cluster and the Local set.
/// </summary>
/// <param name="Cluster">Endpoints for Cluster traffic policy (empty when the port never uses it).</param>
/// <param name="Local">Endpoints on this node for Local traffic policy (empty when the port never uses it).</param>
/// <param name="Reachable">The union of both: the endpoints that get a SEP chain.</param>
/// <param name="HasAny">The service has a usable endpoint somewhere in the cluster, maybe not on this node.</param>
public sealed record EndpointSelection(IReadOnlyList<ProxyEndpoint> Cluster, IReadOnlyList<ProxyEndpoint> Local, IReadOnlyList<ProxyEndpoint> Reachable, bool HasAny)
{
    public static EndpointSelection For(ServicePortInfo port, IReadOnlyList<ProxyEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(port);
        ArgumentNullException.ThrowIfNull(endpoints);
        IReadOnlyList<ProxyEndpoint> cluster = [];
        IReadOnlyList<ProxyEndpoint> local = [];
        if (port.UsesClusterEndpoints)
        {
            cluster = Usable(endpoints);
        }

        var hasAny = cluster.Count > 0 || (port.UsesLocalEndpoints && endpoints.Any(e => e.Ready || (e.Serving && e.Terminating)));
        if (port.UsesLocalEndpoints)
        {
            local = Usable([.. endpoints.Where(e => e.IsLocal)]);
        }

        // Both lists keep the index's "ip:port" order; their union keeps it too.
        var reachable = cluster.Count == 0 ? local
            : local.Count == 0 ? cluster
            : [.. cluster.Concat(local).DistinctBy(e => e.HostPort).OrderBy(e => e.HostPort, StringComparer.Ordinal)];
        return new EndpointSelection(cluster, local, reachable, hasAny);
    }

    private static IReadOnlyList<ProxyEndpoint> Usable(IReadOnlyList<ProxyEndpoint> endpoints)
    {
        var ready = endpoints.Where(e => e.Ready).ToList();
        return ready.Count > 0 ? ready : [.. endpoints.Where(e => e.Serving && e.Terminating)];
    }
}
