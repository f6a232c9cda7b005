using Shim.Agent.Pods.Inputs;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Inputs;

public sealed class ServiceEnvironmentTests
{
    private static readonly FakeCluster Cluster = new FakeCluster()
        .AddService("""
            metadata: {name: kubernetes, namespace: default}
            spec: {clusterIP: 10.96.0.1, ports: [{name: https, port: 443, protocol: TCP}]}
            """)
        .AddService("""
            metadata: {name: redis-primary, namespace: shop}
            spec: {clusterIP: 10.96.0.20, ports: [{name: redis, port: 6379, protocol: TCP}, {name: stats, port: 9121, protocol: UDP}]}
            """)
        .AddService("""
            metadata: {name: headless, namespace: shop}
            spec: {clusterIP: None, ports: [{port: 80}]}
            """)
        .AddService("""
            metadata: {name: elsewhere, namespace: other}
            spec: {clusterIP: 10.96.0.30, ports: [{port: 80}]}
            """);

    [Fact]
    public void Services_of_the_namespace_and_the_api_server_give_docker_link_variables()
    {
        var variables = ServiceEnvironment.For(Pod(links: null), Cluster.Services()).ToDictionary(StringComparer.Ordinal);

        Assert.Equal("10.96.0.20", variables["REDIS_PRIMARY_SERVICE_HOST"]);
        Assert.Equal("6379", variables["REDIS_PRIMARY_SERVICE_PORT"]);
        Assert.Equal("6379", variables["REDIS_PRIMARY_SERVICE_PORT_REDIS"]);
        Assert.Equal("9121", variables["REDIS_PRIMARY_SERVICE_PORT_STATS"]);
        Assert.Equal("tcp://10.96.0.20:6379", variables["REDIS_PRIMARY_PORT"]);
        Assert.Equal("tcp://10.96.0.20:6379", variables["REDIS_PRIMARY_PORT_6379_TCP"]);
        Assert.Equal("tcp", variables["REDIS_PRIMARY_PORT_6379_TCP_PROTO"]);
        Assert.Equal("6379", variables["REDIS_PRIMARY_PORT_6379_TCP_PORT"]);
        Assert.Equal("10.96.0.20", variables["REDIS_PRIMARY_PORT_6379_TCP_ADDR"]);
        Assert.Equal("udp://10.96.0.20:9121", variables["REDIS_PRIMARY_PORT_9121_UDP"]);
        Assert.Equal("10.96.0.1", variables["KUBERNETES_SERVICE_HOST"]);
        Assert.Equal("443", variables["KUBERNETES_SERVICE_PORT_HTTPS"]);
        // Headless services and other namespaces give nothing.
        Assert.DoesNotContain(variables.Keys, k => k.StartsWith("HEADLESS_", StringComparison.Ordinal) || k.StartsWith("ELSEWHERE_", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_service_links_only_the_api_server_remains()
    {
        var variables = ServiceEnvironment.For(Pod(links: false), Cluster.Services());

        Assert.Contains(variables, v => v.Key == "KUBERNETES_SERVICE_HOST");
        Assert.DoesNotContain(variables, v => v.Key.StartsWith("REDIS_PRIMARY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Container_variables_win_and_may_refer_to_service_variables()
    {
        var container = new Container
        {
            Name = "app",
            Env =
            [
                new EnvVar { Name = "REDIS_PRIMARY_SERVICE_PORT", Value = "1234" },
                new EnvVar { Name = "REDIS_URL", Value = "redis://$(REDIS_PRIMARY_SERVICE_HOST):$(REDIS_PRIMARY_SERVICE_PORT_REDIS)" },
            ],
        };

        var environment = await ContainerInputs.EnvironmentAsync(Pod(links: true), container, Cluster, CancellationToken.None);

        Assert.Equal(["REDIS_PRIMARY_SERVICE_PORT=1234", "REDIS_URL=redis://10.96.0.20:6379"], environment.Take(2));
        Assert.Single(environment, e => e.StartsWith("REDIS_PRIMARY_SERVICE_PORT=", StringComparison.Ordinal));
        Assert.Contains("REDIS_PRIMARY_SERVICE_HOST=10.96.0.20", environment);
    }

    private static Pod Pod(bool? links) => new()
    {
        Metadata = new() { Name = "web", Namespace = "shop" },
        Spec = new PodSpec { EnableServiceLinks = links, Containers = [new Container { Name = "app" }] },
    };
}
