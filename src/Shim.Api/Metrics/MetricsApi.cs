using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Shim.Api.Errors;
using Shim.Api.Resources;
using Shim.Api.Selectors;
using Shim.Api.Watch;

namespace Shim.Api.Metrics;

/// <summary>
/// metrics.k8s.io/v1beta1 as metrics-server serves it: NodeMetrics (nodes, cluster-scoped) and PodMetrics (pods,
/// namespaced), get and list with labelSelector/fieldSelector, JSON. Objects exist only while the node or pod does
/// and has two scrapes; the list is of the nodes or pods matching the selector that have metrics.
/// </summary>
public sealed class MetricsApi(WatchCacheHub hub, ResourceRegistry registry, MetricsStore store)
{
    public const string Group = "metrics.k8s.io";
    public const string Version = "v1beta1";
    public const string GroupVersion = Group + "/" + Version;

    public IResult ListNodes(HttpContext context)
    {
        var (labels, fields) = Selectors(context.Request);
        var nodes = Cached("nodes").Values
            .Where(n => labels.Matches(n.Labels) && fields.Matches(f => f == "metadata.name" ? n.Name : null))
            .Select(n => (n.Name, (IReadOnlyDictionary<string, string>)n.Labels));
        return List("NodeMetricsList", store.NodeMetrics(nodes));
    }

    public IResult GetNode(string name)
    {
        var node = Cached("nodes").GetValueOrDefault(registry.Get("", "nodes").Key(null, name))
            ?? throw ApiException.NotFound("", "node", name);
        var item = store.NodeMetrics([(node.Name, node.Labels)]).FirstOrDefault()
            ?? throw ApiException.NotFound(Group, "nodemetrics", name);
        return Single("NodeMetrics", item);
    }

    public IResult ListPods(HttpContext context, string? ns)
    {
        var (labels, fields) = Selectors(context.Request);
        var snapshot = Cached("pods");
        var candidates = ns is null ? snapshot.Values : snapshot.InNamespace(ns).Select(p => p.Value);
        var pods = candidates
            .Where(p => labels.Matches(p.Labels) && fields.Matches(f => f switch
            {
                "metadata.name" => p.Name,
                "metadata.namespace" => p.Namespace,
                _ => null,
            }))
            .Select(p => (new PodKey(p.Namespace ?? "", p.Name), (IReadOnlyDictionary<string, string>)p.Labels));
        return List("PodMetricsList", store.PodMetrics(pods));
    }

    public IResult GetPod(string ns, string name)
    {
        var pod = Cached("pods").GetValueOrDefault(registry.Get("", "pods").Key(ns, name))
            ?? throw ApiException.NotFound("", "pods", name);
        var item = store.PodMetrics([(new PodKey(ns, name), pod.Labels)]).FirstOrDefault()
            ?? throw ApiException.NotFound(Group, "podmetrics", $"{ns}/{name}");
        return Single("PodMetrics", item);
    }

    private Snapshot Cached(string resource) => hub.CacheFor(registry.Get("", resource)).Current().Snapshot;

    private static (LabelSelector Labels, FieldSelector Fields) Selectors(HttpRequest request) =>
        (LabelSelector.Parse(request.Query["labelSelector"]), FieldSelector.Parse(request.Query["fieldSelector"]));

    private static IResult List(string kind, List<JsonObject> items) => Json(new JsonObject
    {
        ["kind"] = kind,
        ["apiVersion"] = GroupVersion,
        ["metadata"] = new JsonObject(),
        ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
    });

    private static IResult Single(string kind, JsonObject item)
    {
        var result = new JsonObject { ["kind"] = kind, ["apiVersion"] = GroupVersion };
        foreach (var (key, value) in item.ToList())
        {
            item.Remove(key);
            result[key] = value;
        }

        return Json(result);
    }

    private static IResult Json(JsonObject body) => Results.Content(body.ToJsonString(), "application/json");
}
