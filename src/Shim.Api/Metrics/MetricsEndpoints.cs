using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shim.Api.Errors;
using Shim.Api.Security;

namespace Shim.Api.Metrics;

/// <summary>Registers the metrics API: its services (store, scraper, agent client) and its routes.</summary>
public static class MetricsEndpoints
{
    private const string Prefix = "/apis/" + MetricsApi.GroupVersion;

    public static IServiceCollection AddMetricsApi(this IServiceCollection services)
    {
        services.AddSingleton<MetricsStore>();
        services.AddSingleton<MetricsApi>();
        services.AddSingleton<IAgentMetricsSource>(sp => new AgentMetricsClient(
            sp.GetRequiredService<CertificateAuthority>().LoadClientCertificate("apiserver-kubelet-client", "kube-apiserver-kubelet-client", ["system:masters"])));
        services.AddSingleton<MetricsScraper>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsScraper>());
        return services;
    }

    /// <summary>Literal routes: they take precedence over the generic /apis/{group}/{version}/{**rest}.</summary>
    public static void MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.Map(Prefix + "/nodes", (HttpContext c, MetricsApi m) => Get(c, "nodes", () => m.ListNodes(c)));
        app.Map(Prefix + "/nodes/{name}", (HttpContext c, string name, MetricsApi m) => Get(c, "nodes", () => m.GetNode(name)));
        app.Map(Prefix + "/pods", (HttpContext c, MetricsApi m) => Get(c, "pods", () => m.ListPods(c, null)));
        app.Map(Prefix + "/namespaces/{ns}/pods", (HttpContext c, string ns, MetricsApi m) => Get(c, "pods", () => m.ListPods(c, ns)));
        app.Map(Prefix + "/namespaces/{ns}/pods/{name}", (HttpContext c, string ns, string name, MetricsApi m) => Get(c, "pods", () => m.GetPod(ns, name)));
    }

    private static IResult Get(HttpContext context, string resource, Func<IResult> read)
    {
        if (context.Request.Method != "GET")
        {
            throw ApiException.MethodNotSupported(MetricsApi.Group, resource, context.Request.Method.ToLowerInvariant());
        }

        if (context.Request.Query["watch"] is var watch && (watch == "true" || watch == "1"))
        {
            throw ApiException.MethodNotSupported(MetricsApi.Group, resource, "watch");
        }

        return read();
    }
}
