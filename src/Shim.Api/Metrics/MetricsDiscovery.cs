using System.Text.Json.Nodes;

namespace Shim.Api.Metrics;

/// <summary>
/// The metrics.k8s.io group in discovery, as kube-aggregator lists metrics-server's APIService: in /apis (legacy and
/// aggregated), /apis/metrics.k8s.io and /apis/metrics.k8s.io/v1beta1. kubectl top looks for it there first.
/// </summary>
public static class MetricsDiscovery
{
    private static readonly (string Resource, string Kind, bool Namespaced)[] Resources =
        [("nodes", "NodeMetrics", false), ("pods", "PodMetrics", true)];

    /// <summary>The APIGroup entry (with kind/apiVersion for /apis/metrics.k8s.io, without inside APIGroupList).</summary>
    public static JsonObject ApiGroup(bool withTypeMeta)
    {
        var result = new JsonObject();
        if (withTypeMeta)
        {
            result["kind"] = "APIGroup";
            result["apiVersion"] = "v1";
        }

        result["name"] = MetricsApi.Group;
        result["versions"] = new JsonArray(VersionEntry());
        result["preferredVersion"] = VersionEntry();
        return result;
    }

    public static JsonObject ApiResourceList() => new()
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = MetricsApi.GroupVersion,
        ["resources"] = new JsonArray(Resources.Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Resource,
            ["singularName"] = "",
            ["namespaced"] = r.Namespaced,
            ["kind"] = r.Kind,
            ["verbs"] = new JsonArray("get", "list"),
        }).ToArray()),
    };

    /// <summary>The APIGroupDiscovery item of the aggregated /apis document.</summary>
    public static JsonObject AggregatedGroup() => new()
    {
        ["metadata"] = new JsonObject { ["name"] = MetricsApi.Group, ["creationTimestamp"] = null },
        ["versions"] = new JsonArray(new JsonObject
        {
            ["version"] = MetricsApi.Version,
            ["resources"] = new JsonArray(Resources.Select(r => (JsonNode)new JsonObject
            {
                ["resource"] = r.Resource,
                ["responseKind"] = new JsonObject { ["group"] = "", ["version"] = "", ["kind"] = r.Kind },
                ["scope"] = r.Namespaced ? "Namespaced" : "Cluster",
                ["singularResource"] = "",
                ["verbs"] = new JsonArray("get", "list"),
            }).ToArray()),
            ["freshness"] = "Current",
        }),
    };

    private static JsonObject VersionEntry() => new() { ["groupVersion"] = MetricsApi.GroupVersion, ["version"] = MetricsApi.Version };
}
