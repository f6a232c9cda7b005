using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Shim.Api.Errors;
using Shim.Api.Http;
using Shim.Api.Json;
using Shim.Api.Registry;
using Shim.Api.Resources;
using Shim.Api.Selectors;

namespace Shim.Api.Eviction;

/// <summary>
/// POST pods/NAME/eviction: deletes the pod unless that would break its PodDisruptionBudget, as upstream's eviction
/// subresource. Pods that are terminal, pending or already terminating go without a budget check; otherwise the one
/// matching budget must allow a disruption, which is taken from its status (disruptionsAllowed - 1, the pod recorded in
/// disruptedPods) before the pod is marked with a DisruptionTarget condition and deleted with the Eviction's options.
/// </summary>
public sealed class EvictionHandler(GenericRegistry registry, TimeProvider clock)
{
    /// <summary>Evictions approved but not yet seen by the disruption controller; past this the budget refuses more.</summary>
    private const int MaxDisruptedPods = 2000;
    private const int MaxAttempts = 20;
    private const string BudgetViolated = "Cannot evict pod as it would violate the pod's disruption budget.";

    private ResourceDefinition Pods => registry.Resources.Get("", "pods");

    private ResourceDefinition Budgets => registry.Resources.Get("policy", "poddisruptionbudgets");

    public async Task EvictAsync(HttpContext context, string ns, string name, CancellationToken ct)
    {
        var body = await BodyReader.ReadObjectAsync(context.Request, ct).ConfigureAwait(false);
        CheckEviction(body, name);
        var options = ReadDeleteOptions(body["deleteOptions"] as JsonObject, context.Request.Query["dryRun"]);
        var rvGiven = options.PreconditionResourceVersion is not null;

        // Pods whose disruption has already happened (or never will) are deleted without consulting a budget.
        JsonObject pod;
        for (var attempt = 0; ; attempt++)
        {
            pod = await registry.GetFromStoreAsync(Pods, ns, name, ct).ConfigureAwait(false) ?? throw ApiException.NotFound("", "pods", name);
            if (!CanIgnoreBudget(pod))
            {
                break;
            }

            var deletion = options;
            if (EnforceResourceVersion(pod) && !rvGiven)
            {
                deletion = options with { PreconditionResourceVersion = pod.Str("metadata", "resourceVersion") };
            }

            try
            {
                await MarkAndDeleteAsync(ns, name, deletion, ct).ConfigureAwait(false);
                await WriteSuccessAsync(context, ct).ConfigureAwait(false);
                return;
            }
            catch (ApiException e) when (e.Code == 409 && !rvGiven && attempt < MaxAttempts)
            {
                // The pod changed meanwhile: look at it again.
            }
        }

        var budgets = await MatchingBudgetsAsync(pod, ct).ConfigureAwait(false);
        if (budgets.Count > 1)
        {
            var failure = new JsonObject
            {
                ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
                ["message"] = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.", ["code"] = 500,
            };
            await WriteAsync(context, 500, failure, ct).ConfigureAwait(false);
            return;
        }

        var pinToPod = false;
        if (budgets.Count == 1)
        {
            var budget = budgets[0];
            var budgetName = budget.Str("metadata", "name")!;
            var desired = budget.Long("status", "desiredHealthy") ?? 0;
            var current = budget.Long("status", "currentHealthy") ?? 0;
            if (!IsReady(pod) && (budget.Str("spec", "unhealthyPodEvictionPolicy") == "AlwaysAllow" || (current >= desired && desired > 0)))
            {
                // An unready pod does not count as healthy: evicting it costs the budget nothing, provided it stays unready.
                pinToPod = true;
            }
            else
            {
                await registry.UpdateAsync(Budgets, ns, budgetName, Subresource.Status, options.DryRun,
                    latest => TakeDisruption(latest, name), ct).ConfigureAwait(false);
            }

            if (pinToPod && !rvGiven)
            {
                options = options with { PreconditionResourceVersion = pod.Str("metadata", "resourceVersion") };
            }

            try
            {
                await MarkAndDeleteAsync(ns, name, options, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Code == 409 && pinToPod && !rvGiven)
            {
                throw StillProcessing(budgetName);
            }
        }
        else
        {
            await MarkAndDeleteAsync(ns, name, options, ct).ConfigureAwait(false);
        }

        await WriteSuccessAsync(context, ct).ConfigureAwait(false);
    }

    /// <summary>Verify-and-decrement on the latest budget; the registry retries it on a concurrent write.</summary>
    private JsonObject TakeDisruption(JsonObject budget, string podName)
    {
        var name = budget.Str("metadata", "name")!;
        var status = budget.Ensure("status");
        if ((status.Long("observedGeneration") ?? 0) < (budget.Long("metadata", "generation") ?? 0))
        {
            throw StillProcessing(name);
        }

        var allowed = status.Long("disruptionsAllowed") ?? 0;
        if (allowed < 0)
        {
            throw ApiException.Forbidden("policy", "poddisruptionbudget", name, "pdb disruptions allowed is negative");
        }

        if ((status["disruptedPods"] as JsonObject)?.Count > MaxDisruptedPods)
        {
            throw ApiException.Forbidden("policy", "poddisruptionbudget", name, "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
        }

        if (allowed == 0)
        {
            throw new ApiException(429, "TooManyRequests", BudgetViolated, retryAfterSeconds: null, causes:
                [new StatusCause("DisruptionBudget", $"The disruption budget {name} needs {status.Long("desiredHealthy") ?? 0} healthy pods and has {status.Long("currentHealthy") ?? 0} currently", null)]);
        }

        status["disruptionsAllowed"] = allowed - 1;
        if (allowed - 1 == 0)
        {
            SetCondition(status, "DisruptionAllowed", "False", "InsufficientPods", budget.Long("status", "observedGeneration") ?? 0);
        }

        var disrupted = status.Ensure("disruptedPods");
        disrupted[podName] = GenericRegistry.Timestamp(clock.GetUtcNow());
        budget.Metadata().Remove("resourceVersion");
        return budget;
    }

    /// <summary>Adds DisruptionTarget (EvictionByEvictionAPI) to the pod, then deletes it; a dry run does neither.</summary>
    private async Task MarkAndDeleteAsync(string ns, string name, DeleteOptions options, CancellationToken ct)
    {
        if (!options.DryRun)
        {
            var marked = await registry.UpdateAsync(Pods, ns, name, Subresource.Status, false, latest =>
            {
                CheckPreconditions(latest, name, options);
                var status = latest.Ensure("status");
                SetPodCondition(status, "DisruptionTarget", "True", "EvictionByEvictionAPI", "Eviction API: evicting");
                latest.Metadata().Remove("resourceVersion");
                return latest;
            }, ct).ConfigureAwait(false);
            if (options.PreconditionResourceVersion is not null)
            {
                // This write moved the pod's resourceVersion on: the precondition follows it.
                options = options with { PreconditionResourceVersion = marked.Str("metadata", "resourceVersion") };
            }
        }

        await registry.DeleteAsync(Pods, ns, name, options, ct).ConfigureAwait(false);
    }

    private static void CheckPreconditions(JsonObject pod, string name, DeleteOptions options)
    {
        if (options.PreconditionUid is { Length: > 0 } uid && uid != pod.Str("metadata", "uid"))
        {
            throw ApiException.Conflict("", "pods", name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {pod.Str("metadata", "uid")}");
        }

        if (options.PreconditionResourceVersion is { Length: > 0 } rv && rv != pod.Str("metadata", "resourceVersion"))
        {
            throw ApiException.Conflict("", "pods", name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {pod.Str("metadata", "resourceVersion")}");
        }
    }

    private async Task<List<JsonObject>> MatchingBudgetsAsync(JsonObject pod, CancellationToken ct)
    {
        await registry.Cache.SyncAsync(ct).ConfigureAwait(false);
        var (snapshot, _) = registry.Cache.CacheFor(Budgets).Current();
        var labels = pod.At("metadata", "labels").StringMap();
        var result = new List<JsonObject>();
        foreach (var (_, budget) in snapshot.InNamespace(pod.Str("metadata", "namespace") ?? ""))
        {
            LabelSelector? selector;
            try
            {
                selector = LabelSelector.FromObject(budget.Object.At("spec", "selector") as JsonObject);
            }
            catch (ApiException)
            {
                // An invalid selector matches no pod.
                continue;
            }

            if (selector is not null && selector.Matches(labels))
            {
                result.Add(budget.Object);
            }
        }

        return result;
    }

    private static bool CanIgnoreBudget(JsonObject pod) =>
        pod.Str("status", "phase") is "Succeeded" or "Failed" or "Pending" || pod.At("metadata", "deletionTimestamp") is not null;

    /// <summary>Without a pinned resourceVersion a pod could become ready (and count for a budget) between read and delete.</summary>
    private static bool EnforceResourceVersion(JsonObject pod) =>
        pod.Str("status", "phase") is not ("Succeeded" or "Failed") && pod.At("metadata", "deletionTimestamp") is null;

    private static bool IsReady(JsonObject pod) =>
        (pod.At("status", "conditions") as JsonArray)?.OfType<JsonObject>().Any(c => c.Str("type") == "Ready" && c.Str("status") == "True") ?? false;

    private static ApiException StillProcessing(string budget) =>
        new(429, "TooManyRequests", BudgetViolated, retryAfterSeconds: 10,
            causes: [new StatusCause("DisruptionBudget", $"The disruption budget {budget} is still being processed by the server.", null)]);

    private static void CheckEviction(JsonObject body, string name)
    {
        var apiVersion = body.Str("apiVersion");
        var kind = body.Str("kind");
        if (apiVersion is not (null or "" or "policy/v1" or "policy/v1beta1") || kind is not (null or "" or "Eviction"))
        {
            throw ApiException.BadRequest($"the body of the eviction must be a policy/v1 or policy/v1beta1 Eviction, not {apiVersion}, Kind={kind}");
        }

        if (body.Str("metadata", "name") != name)
        {
            throw ApiException.BadRequest("name in URL does not match name in Eviction object");
        }
    }

    /// <summary>The Eviction's deleteOptions; dryRun given both there and in the query must agree.</summary>
    private static DeleteOptions ReadDeleteOptions(JsonObject? options, Microsoft.Extensions.Primitives.StringValues queryDryRun)
    {
        var bodyDryRun = (options?["dryRun"] as JsonArray)?.Select(d => d?.ToString() ?? "").ToList() ?? [];
        var query = queryDryRun.Select(d => d ?? "").ToList();
        if (bodyDryRun.Count > 0 && query.Count > 0 && !bodyDryRun.SequenceEqual(query))
        {
            throw ApiException.BadRequest($"Non-matching dry-run options in request and content: [{string.Join(" ", query)}] and [{string.Join(" ", bodyDryRun)}]");
        }

        var dryRun = bodyDryRun.Count > 0 ? bodyDryRun : query;
        if (dryRun.Any(d => d != "All"))
        {
            throw ApiException.BadRequest($"Invalid dry run value: {dryRun.First(d => d != "All")}; supported values: All");
        }

        var propagation = options.Str("propagationPolicy") switch
        {
            null or "" => options?["orphanDependents"] is JsonValue o && o.TryGetValue<bool>(out var orphan)
                ? (orphan ? PropagationPolicy.Orphan : PropagationPolicy.Background)
                : PropagationPolicy.Unset,
            "Background" => PropagationPolicy.Background,
            "Foreground" => PropagationPolicy.Foreground,
            "Orphan" => PropagationPolicy.Orphan,
            var other => throw ApiException.BadRequest($"propagationPolicy: Unsupported value: \"{other}\": supported values: \"Foreground\", \"Background\", \"Orphan\""),
        };
        var grace = options.Long("gracePeriodSeconds");
        return new DeleteOptions(grace is < 0 ? 0 : grace, options.Str("preconditions", "uid"), options.Str("preconditions", "resourceVersion"), propagation, dryRun.Count > 0);
    }

    private void SetPodCondition(JsonObject status, string type, string value, string reason, string message)
    {
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        var condition = conditions.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == type);
        if (condition is null)
        {
            condition = new JsonObject { ["type"] = type };
            conditions.Add(condition);
        }

        if (condition.Str("status") != value)
        {
            condition["lastTransitionTime"] = GenericRegistry.Timestamp(clock.GetUtcNow());
        }

        condition["status"] = value;
        condition["reason"] = reason;
        condition["message"] = message;
    }

    /// <summary>metav1.Condition semantics: lastTransitionTime moves only when the status does.</summary>
    private void SetCondition(JsonObject status, string type, string value, string reason, long observedGeneration)
    {
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        var condition = conditions.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == type);
        if (condition is null)
        {
            condition = new JsonObject { ["type"] = type };
            conditions.Add(condition);
        }

        if (condition.Str("status") != value || condition["lastTransitionTime"] is null)
        {
            condition["lastTransitionTime"] = GenericRegistry.Timestamp(clock.GetUtcNow());
        }

        condition["status"] = value;
        condition["observedGeneration"] = observedGeneration;
        condition["reason"] = reason;
        condition["message"] = "";
    }

    private static Task WriteSuccessAsync(HttpContext context, CancellationToken ct) =>
        WriteAsync(context, 201, new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201,
        }, ct);

    private static async Task WriteAsync(HttpContext context, int code, JsonObject body, CancellationToken ct)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body), ct).ConfigureAwait(false);
    }
}
