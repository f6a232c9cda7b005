using Shim.Api.Discovery;
using Shim.Api.Resources;
using Xunit;

namespace Shim.Api.Tests.Metrics;

public sealed class MetricsDiscoveryTests
{
    private readonly DiscoveryDocuments _documents = new(BuiltInResources.Create());

    [Fact]
    public void The_group_is_in_the_legacy_group_list_and_has_its_own_documents()
    {
        var group = Assert.Single(_documents.ApiGroupList()["groups"]!.AsArray(), g => g!["name"]!.GetValue<string>() == "metrics.k8s.io")!;
        Assert.Equal("metrics.k8s.io/v1beta1", group["preferredVersion"]!["groupVersion"]!.GetValue<string>());
        Assert.Equal("APIGroup", _documents.ApiGroupDocument("metrics.k8s.io")!["kind"]!.GetValue<string>());

        var resources = _documents.ApiResourceList("metrics.k8s.io", "v1beta1")!;
        Assert.Equal("metrics.k8s.io/v1beta1", resources["groupVersion"]!.GetValue<string>());
        var nodes = resources["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "nodes")!;
        Assert.Equal("NodeMetrics", nodes["kind"]!.GetValue<string>());
        Assert.False(nodes["namespaced"]!.GetValue<bool>());
        var pods = resources["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "pods")!;
        Assert.Equal("PodMetrics", pods["kind"]!.GetValue<string>());
        Assert.True(pods["namespaced"]!.GetValue<bool>());
        Assert.Equal(["get", "list"], pods["verbs"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public void The_group_is_in_aggregated_discovery_of_apis_but_not_of_api()
    {
        var apis = _documents.Aggregated(core: false, "v2")["items"]!.AsArray();
        var group = Assert.Single(apis, i => i!["metadata"]!["name"]!.GetValue<string>() == "metrics.k8s.io")!;
        var version = Assert.Single(group["versions"]!.AsArray())!;
        Assert.Equal("v1beta1", version["version"]!.GetValue<string>());
        Assert.Equal(["Cluster", "Namespaced"], version["resources"]!.AsArray().Select(r => r!["scope"]!.GetValue<string>()));
        Assert.DoesNotContain(_documents.Aggregated(core: true, "v2")["items"]!.AsArray(), i => i!["metadata"]!["name"]!.GetValue<string>() == "metrics.k8s.io");
    }
}
