using Shim.Model.Core.V1;
using Shim.Model.Discovery.V1;

namespace Shim.Agent.Services;

/// <summary>What the agent knows of the cluster's services: the service proxy and the cluster DNS read it.</summary>
public interface IServiceCatalog
{
    IReadOnlyCollection<Service> Services();

    IReadOnlyCollection<EndpointSlice> EndpointSlices();
}
