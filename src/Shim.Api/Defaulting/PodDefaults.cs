using System.Globalization;
using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>
/// Defaults that only a Pod gets (not pod templates): requests copied from limits, pod-level resource defaults,
/// enableServiceLinks, host ports under host networking; and, while the pod is still the Pending pod being
/// created, the status the pod strategy fills on create (qosClass, the SchedulingGated condition).
/// </summary>
internal static class PodDefaults
{
    public static void Apply(JsonObject pod, TimeProvider clock)
    {
        var spec = Fields.Struct(pod, "spec");
        if (spec is null)
        {
            return;
        }

        foreach (var container in Fields.Items(spec, "containers").Concat(Fields.Items(spec, "initContainers")))
        {
            RequestsFromLimits(container);
        }

        PodLevelResources(spec);
        Fields.DefaultPointer(spec, "enableServiceLinks", true);
        if (Fields.IsTrue(spec, "hostNetwork"))
        {
            foreach (var container in Fields.Items(spec, "containers").Concat(Fields.Items(spec, "initContainers")))
            {
                foreach (var port in Fields.Items(container, "ports"))
                {
                    if (Fields.IsZero(port, "hostPort") && !Fields.IsZero(port, "containerPort"))
                    {
                        port["hostPort"] = port["containerPort"]!.DeepClone();
                    }
                }
            }
        }

        PodSpecDefaults.Apply(spec);
        CreationStatus(pod, spec, clock);
    }

    /// <summary>A container that sets limits but not the matching requests requests what it limits.</summary>
    private static void RequestsFromLimits(JsonObject container)
    {
        var resources = Fields.Obj(container, "resources");
        if (Fields.Obj(resources, "limits") is not { Count: > 0 } limits)
        {
            return;
        }

        var requests = Fields.Struct(resources!, "requests");
        if (requests is null)
        {
            return;
        }

        foreach (var (name, value) in limits)
        {
            if (!requests.ContainsKey(name))
            {
                requests[name] = value?.DeepClone();
            }
        }
    }

    /// <summary>
    /// When the pod sets pod-level resources partly, the rest is derived: huge page limits from the containers'
    /// limits, requests from the containers' requests or else the pod-level limits, and limits from the containers'
    /// limits when every container limits that resource.
    /// </summary>
    private static void PodLevelResources(JsonObject spec)
    {
        if (Fields.Obj(spec, "resources") is not { } resources)
        {
            return;
        }

        // Huge page limits first: the request defaulting below may copy them.
        if (Fields.IsNonEmptyObject(resources["limits"]) || Fields.IsNonEmptyObject(resources["requests"]))
        {
            var requests = Fields.Obj(resources, "requests");
            var limits = Fields.Obj(resources, "limits") ?? new JsonObject();
            foreach (var (name, quantity) in ResourceLists.AggregateContainers(spec, "limits"))
            {
                if (ResourceLists.IsHugePages(name) && requests?.ContainsKey(name) != true && !limits.ContainsKey(name))
                {
                    limits[name] = quantity.ToCanonicalString();
                }
            }

            SetIfNonEmpty(resources, "limits", limits);
        }

        if (Fields.Obj(resources, "limits") is { Count: > 0 } podLimits)
        {
            var requests = Fields.Obj(resources, "requests") ?? new JsonObject();
            foreach (var (name, quantity) in ResourceLists.AggregateContainers(spec, "requests"))
            {
                if (!requests.ContainsKey(name) && ResourceLists.IsSupportedPodLevelResource(name) && ResourceLists.IsOvercommitAllowed(name))
                {
                    requests[name] = quantity.ToCanonicalString();
                }
            }

            foreach (var (name, limit) in podLimits)
            {
                if (!requests.ContainsKey(name) && ResourceLists.IsSupportedPodLevelResource(name))
                {
                    requests[name] = limit?.DeepClone();
                }
            }

            SetIfNonEmpty(resources, "requests", requests);
        }

        if (!NamesSupported(resources["limits"]) && NamesSupported(resources["requests"]))
        {
            var limits = Fields.Obj(resources, "limits") ?? new JsonObject();
            foreach (var (name, quantity) in ResourceLists.AggregateContainers(spec, "limits"))
            {
                if (!limits.ContainsKey(name) && ResourceLists.IsSupportedPodLevelResource(name) &&
                    ResourceLists.IsOvercommitAllowed(name) && AllContainersLimit(spec, name))
                {
                    limits[name] = quantity.ToCanonicalString();
                }
            }

            SetIfNonEmpty(resources, "limits", limits);
        }
    }

    private static bool NamesSupported(JsonNode? list) => list is JsonObject o && o.Any(p => ResourceLists.IsSupportedPodLevelResource(p.Key));

    private static bool AllContainersLimit(JsonObject spec, string name) =>
        Fields.Items(spec, "containers").Concat(Fields.Items(spec, "initContainers"))
            .All(c => Fields.Obj(Fields.Obj(c, "resources"), "limits")?.ContainsKey(name) == true);

    private static void SetIfNonEmpty(JsonObject parent, string key, JsonObject value)
    {
        if (value.Count > 0 && !ReferenceEquals(parent[key], value))
        {
            parent[key] = value;
        }
    }

    /// <summary>
    /// What the pod strategy records when it creates a pod. Applied only to the pod being created — status phase
    /// Pending — and only where the field is still missing, so later writes never recompute it.
    /// </summary>
    private static void CreationStatus(JsonObject pod, JsonObject spec, TimeProvider clock)
    {
        if (Fields.Obj(pod, "status") is not { } status || Fields.Str(status, "phase") != "Pending")
        {
            return;
        }

        if (Fields.IsEmptyString(status, "qosClass"))
        {
            status["qosClass"] = PodQos.Compute(spec);
        }

        if (Fields.IsNonEmptyArray(spec["schedulingGates"]) &&
            !Fields.Items(status, "conditions").Any(c => Fields.Str(c, "type") == "PodScheduled"))
        {
            if (status["conditions"] is not JsonArray conditions)
            {
                conditions = [];
                status["conditions"] = conditions;
            }

            conditions.Add(new JsonObject
            {
                ["type"] = "PodScheduled",
                ["status"] = "False",
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                ["reason"] = "SchedulingGated",
                ["message"] = "Scheduling is blocked due to non-empty scheduling gates",
            });
        }
    }
}
