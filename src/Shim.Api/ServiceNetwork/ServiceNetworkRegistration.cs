using Microsoft.Extensions.DependencyInjection;
using Shim.Api.Registry;

namespace Shim.Api.ServiceNetwork;

/// <summary>Registers service networking in the API server: the allocator as the Services' write hooks, its repair loop, and the kubernetes Service reconciler.</summary>
public static class ServiceNetworkRegistration
{
    public static IServiceCollection AddServiceNetwork(this IServiceCollection services, ServiceNetworkConfig config)
    {
        services.AddSingleton(config);
        services.AddSingleton<ServiceAllocator>();
        services.AddSingleton<IWriteHooks>(sp => sp.GetRequiredService<ServiceAllocator>());
        services.AddSingleton<AllocationRepair>();
        services.AddHostedService(sp => sp.GetRequiredService<AllocationRepair>());
        services.AddSingleton<KubernetesServiceReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<KubernetesServiceReconciler>());
        return services;
    }
}
