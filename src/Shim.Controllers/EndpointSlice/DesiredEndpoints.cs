using Shim.Model.Discovery.V1;

namespace Shim.Controllers.EndpointSlices;

/// <summary>
/// The endpoints one group of slices (one port set) should hold, keyed by <see cref="SliceEndpoints.IdentityOf"/>
/// (upstream's EndpointSet). Endpoints found in an existing slice are taken out; what remains is placed in order
/// of insertion (pod name), so the same cluster state fills slices the same way.
/// </summary>
public sealed class DesiredEndpoints
{
    private readonly OrderedDictionary<string, Endpoint> _endpoints = new(StringComparer.Ordinal);

    public int Count => _endpoints.Count;

    public void Add(Endpoint endpoint) => _endpoints[SliceEndpoints.IdentityOf(endpoint)] = endpoint;

    /// <summary>The desired version of an endpoint some slice already holds (removed from the set), or null when it is no longer wanted.</summary>
    public Endpoint? Take(Endpoint existing) =>
        _endpoints.Remove(SliceEndpoints.IdentityOf(existing), out var desired) ? desired : null;

    /// <summary>All remaining endpoints, in order, leaving the set empty.</summary>
    public Queue<Endpoint> TakeRest()
    {
        var rest = new Queue<Endpoint>(_endpoints.Values);
        _endpoints.Clear();
        return rest;
    }
}
