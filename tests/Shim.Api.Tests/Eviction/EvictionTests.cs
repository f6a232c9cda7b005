using System.Net;
using System.Text.Json.Nodes;
using Shim.Api.Json;
using Xunit;

namespace Shim.Api.Tests.Eviction;

/// <summary>POST pods/NAME/eviction through HTTP, against PodDisruptionBudgets whose status the test sets.</summary>
public sealed class EvictionTests
{
    private const string Pods = "/api/v1/namespaces/default/pods";
    private const string Budgets = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";
    private static readonly HttpMethod Patch = HttpMethod.Patch;

    [Fact]
    public async Task A_budget_that_allows_no_disruption_refuses_with_429_and_keeps_the_pod()
    {
        await using var api = await ApiHost.StartAsync();
        await RunningPodAsync(api, "web-0");
        await BudgetAsync(api, "web", allowed: 0, desired: 1, healthy: 1);

        var (code, status) = await EvictAsync(api, "web-0");

        Assert.Equal(HttpStatusCode.TooManyRequests, code);
        Assert.Equal("TooManyRequests", status.Str("reason"));
        Assert.Equal("Cannot evict pod as it would violate the pod's disruption budget.", status.Str("message"));
        var cause = status.At("details", "causes")!.AsArray().Single()!;
        Assert.Equal("DisruptionBudget", cause.Str("reason"));
        Assert.Equal("The disruption budget web needs 1 healthy pods and has 1 currently", cause.Str("message"));
        var pod = await api.OkAsync(HttpMethod.Get, $"{Pods}/web-0");
        Assert.Null(pod.At("metadata", "deletionTimestamp"));
    }

    [Fact]
    public async Task An_allowed_eviction_takes_one_disruption_from_the_budget_and_deletes_the_pod()
    {
        await using var api = await ApiHost.StartAsync();
        await RunningPodAsync(api, "web-0");
        await BudgetAsync(api, "web", allowed: 1, desired: 1, healthy: 2);

        var (code, status) = await EvictAsync(api, "web-0", """{"gracePeriodSeconds":10}""");

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("Success", status.Str("status"));
        var budget = await api.OkAsync(HttpMethod.Get, $"{Budgets}/web");
        Assert.Equal(0, budget.Long("status", "disruptionsAllowed"));
        Assert.NotNull(budget.At("status", "disruptedPods", "web-0"));
        var condition = budget.At("status", "conditions")!.AsArray().Single(c => c.Str("type") == "DisruptionAllowed")!;
        Assert.Equal(("False", "InsufficientPods"), (condition.Str("status"), condition.Str("reason")));

        // Bound to a node, the pod terminates gracefully with the Eviction's grace period, marked as disrupted.
        var pod = await api.OkAsync(HttpMethod.Get, $"{Pods}/web-0");
        Assert.NotNull(pod.At("metadata", "deletionTimestamp"));
        Assert.Equal(10, pod.Long("metadata", "deletionGracePeriodSeconds"));
        var target = pod.At("status", "conditions")!.AsArray().Single(c => c.Str("type") == "DisruptionTarget")!;
        Assert.Equal(("True", "EvictionByEvictionAPI"), (target.Str("status"), target.Str("reason")));
    }

    [Fact]
    public async Task A_dry_run_changes_neither_budget_nor_pod()
    {
        await using var api = await ApiHost.StartAsync();
        await RunningPodAsync(api, "web-0");
        await BudgetAsync(api, "web", allowed: 1, desired: 1, healthy: 2);

        var (code, _) = await api.SendAsync(HttpMethod.Post, $"{Pods}/web-0/eviction?dryRun=All", Eviction("web-0"));

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal(1, (await api.OkAsync(HttpMethod.Get, $"{Budgets}/web")).Long("status", "disruptionsAllowed"));
        Assert.Null((await api.OkAsync(HttpMethod.Get, $"{Pods}/web-0")).At("metadata", "deletionTimestamp"));
    }

    [Fact]
    public async Task A_pod_with_two_budgets_is_refused_with_500()
    {
        await using var api = await ApiHost.StartAsync();
        await RunningPodAsync(api, "web-0");
        await BudgetAsync(api, "web", allowed: 1, desired: 1, healthy: 2);
        await BudgetAsync(api, "web-too", allowed: 1, desired: 1, healthy: 2);

        var (code, status) = await EvictAsync(api, "web-0");

        Assert.Equal(HttpStatusCode.InternalServerError, code);
        Assert.Equal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.", status.Str("message"));
        Assert.Null((await api.OkAsync(HttpMethod.Get, $"{Pods}/web-0")).At("metadata", "deletionTimestamp"));
    }

    [Fact]
    public async Task A_missing_pod_is_404()
    {
        await using var api = await ApiHost.StartAsync();

        var (code, status) = await EvictAsync(api, "nobody");

        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("pods \"nobody\" not found", status.Str("message"));
    }

    [Fact]
    public async Task Pending_pods_and_unready_pods_under_AlwaysAllow_are_evicted_despite_an_exhausted_budget()
    {
        await using var api = await ApiHost.StartAsync();
        await api.OkAsync(HttpMethod.Post, Pods, PodJson("pending", nodeName: null));
        await RunningPodAsync(api, "unready", ready: false);
        await BudgetAsync(api, "web", allowed: 0, desired: 1, healthy: 0, policy: "AlwaysAllow");

        Assert.Equal(HttpStatusCode.Created, (await EvictAsync(api, "pending")).Code);
        Assert.Equal(HttpStatusCode.Created, (await EvictAsync(api, "unready")).Code);
        Assert.Equal(0, (await api.OkAsync(HttpMethod.Get, $"{Budgets}/web")).Long("status", "disruptionsAllowed"));
    }

    [Fact]
    public async Task Discovery_lists_pods_eviction_as_a_policy_v1_Eviction()
    {
        await using var api = await ApiHost.StartAsync();

        var resources = (await api.OkAsync(HttpMethod.Get, "/api/v1"))["resources"]!.AsArray();

        var eviction = resources.Single(r => r.Str("name") == "pods/eviction")!;
        Assert.Equal(("policy", "v1", "Eviction"), (eviction.Str("group"), eviction.Str("version"), eviction.Str("kind")));
        Assert.Equal(["create"], eviction["verbs"]!.AsArray().Select(v => v!.ToString()));
    }

    [Fact]
    public async Task Created_pods_tolerate_not_ready_and_unreachable_nodes_for_300_seconds_unless_they_already_do()
    {
        await using var api = await ApiHost.StartAsync();

        var plain = await api.OkAsync(HttpMethod.Post, Pods, PodJson("plain", nodeName: null));
        Assert.Equal(
            ["node.kubernetes.io/not-ready:NoExecute:Exists:300", "node.kubernetes.io/unreachable:NoExecute:Exists:300"],
            Tolerations(plain));

        var own = await api.OkAsync(HttpMethod.Post, Pods, PodJson("own", nodeName: null,
            tolerations: """[{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":10}]"""));
        Assert.Equal(
            ["node.kubernetes.io/unreachable:NoExecute:Exists:10", "node.kubernetes.io/not-ready:NoExecute:Exists:300"],
            Tolerations(own));

        var everything = await api.OkAsync(HttpMethod.Post, Pods, PodJson("everything", nodeName: null, tolerations: """[{"operator":"Exists"}]"""));
        Assert.Equal(["::Exists:"], Tolerations(everything));
    }

    private static List<string> Tolerations(JsonObject pod) =>
        pod.At("spec", "tolerations")!.AsArray().Select(t => $"{t.Str("key")}:{t.Str("effect")}:{t.Str("operator")}:{t.Long("tolerationSeconds")}").ToList();

    private static Task<(HttpStatusCode Code, JsonObject Body)> EvictAsync(ApiHost api, string name, string? deleteOptions = null) =>
        api.SendAsync(HttpMethod.Post, $"{Pods}/{name}/eviction", Eviction(name, deleteOptions));

    private static string Eviction(string name, string? deleteOptions = null) =>
        $$"""{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"{{name}}","namespace":"default"}{{(deleteOptions is null ? "" : ",\"deleteOptions\":" + deleteOptions)}}}""";

    private static string PodJson(string name, string? nodeName, string? tolerations = null) => new JsonObject
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = "web" } },
        ["spec"] = new JsonObject
        {
            ["nodeName"] = nodeName,
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "busybox" }),
            ["tolerations"] = tolerations is null ? null : JsonNode.Parse(tolerations),
        },
    }.ToJsonString();

    /// <summary>A pod on node n1 that its agent reports Running (and Ready unless told otherwise).</summary>
    private static async Task RunningPodAsync(ApiHost api, string name, bool ready = true)
    {
        await api.OkAsync(HttpMethod.Post, Pods, PodJson(name, nodeName: "n1"));
        var flag = ready ? "True" : "False";
        await api.OkAsync(Patch, $"{Pods}/{name}/status",
            $$$"""{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"{{{flag}}}"}]}}""", "application/merge-patch+json");
    }

    /// <summary>A budget over app=web with the status the disruption controller would have written.</summary>
    private static async Task BudgetAsync(ApiHost api, string name, int allowed, int desired, int healthy, string? policy = null)
    {
        var spec = new JsonObject { ["minAvailable"] = desired, ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } } };
        if (policy is not null)
        {
            spec["unhealthyPodEvictionPolicy"] = policy;
        }

        await api.OkAsync(HttpMethod.Post, Budgets, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec }.ToJsonString());
        await api.OkAsync(Patch, $"{Budgets}/{name}/status",
            $$$"""{"status":{"observedGeneration":1,"disruptionsAllowed":{{{allowed}}},"desiredHealthy":{{{desired}}},"currentHealthy":{{{healthy}}},"expectedPods":{{{healthy}}}}}""",
            "application/merge-patch+json");
    }
}
