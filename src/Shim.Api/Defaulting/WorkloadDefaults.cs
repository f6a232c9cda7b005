using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>apps/v1 defaults: Deployment, ReplicaSet, StatefulSet and DaemonSet (and their pod templates).</summary>
internal static class WorkloadDefaults
{
    private const long DefaultRevisionHistoryLimit = 10;
    private const long DefaultProgressDeadlineSeconds = 600;

    public static void Deployment(JsonObject deployment)
    {
        if (Fields.Struct(deployment, "spec") is not { } spec)
        {
            return;
        }

        Fields.DefaultPointer(spec, "replicas", 1);
        if (Fields.Struct(spec, "strategy") is { } strategy)
        {
            Fields.DefaultString(strategy, "type", "RollingUpdate");
            if (Fields.Str(strategy, "type") == "RollingUpdate" && Fields.Struct(strategy, "rollingUpdate") is { } rollingUpdate)
            {
                Fields.DefaultPointer(rollingUpdate, "maxUnavailable", "25%");
                Fields.DefaultPointer(rollingUpdate, "maxSurge", "25%");
            }
        }

        Fields.DefaultPointer(spec, "revisionHistoryLimit", DefaultRevisionHistoryLimit);
        Fields.DefaultPointer(spec, "progressDeadlineSeconds", DefaultProgressDeadlineSeconds);
        PodSpecDefaults.ApplyTemplateField(spec, "template");
    }

    public static void ReplicaSet(JsonObject replicaSet)
    {
        if (Fields.Struct(replicaSet, "spec") is not { } spec)
        {
            return;
        }

        Fields.DefaultPointer(spec, "replicas", 1);
        PodSpecDefaults.ApplyTemplateField(spec, "template");
    }

    public static void DaemonSet(JsonObject daemonSet)
    {
        if (Fields.Struct(daemonSet, "spec") is not { } spec)
        {
            return;
        }

        if (Fields.Struct(spec, "updateStrategy") is { } strategy)
        {
            Fields.DefaultString(strategy, "type", "RollingUpdate");
            if (Fields.Str(strategy, "type") == "RollingUpdate" && Fields.Struct(strategy, "rollingUpdate") is { } rollingUpdate)
            {
                Fields.DefaultPointer(rollingUpdate, "maxUnavailable", 1);
                Fields.DefaultPointer(rollingUpdate, "maxSurge", 0);
            }
        }

        Fields.DefaultPointer(spec, "revisionHistoryLimit", DefaultRevisionHistoryLimit);
        PodSpecDefaults.ApplyTemplateField(spec, "template");
    }

    /// <summary>
    /// StatefulSet defaults. A RollingUpdate strategy gets its rollingUpdate block only when the type itself was
    /// defaulted; an explicit RollingUpdate without one stays without. Claim templates are written as full
    /// PersistentVolumeClaims (apiVersion and kind included) with claim defaults.
    /// </summary>
    public static void StatefulSet(JsonObject statefulSet)
    {
        if (Fields.Struct(statefulSet, "spec") is not { } spec)
        {
            return;
        }

        Fields.DefaultString(spec, "podManagementPolicy", "OrderedReady");
        if (Fields.Struct(spec, "updateStrategy") is { } strategy)
        {
            if (Fields.IsEmptyString(strategy, "type"))
            {
                strategy["type"] = "RollingUpdate";
                Fields.DefaultPointer(strategy, "rollingUpdate", () => new JsonObject());
            }

            if (Fields.Str(strategy, "type") == "RollingUpdate" && Fields.Obj(strategy, "rollingUpdate") is { } rollingUpdate)
            {
                Fields.DefaultPointer(rollingUpdate, "partition", 0);
                Fields.DefaultPointer(rollingUpdate, "maxUnavailable", 1);
            }
        }

        if (Fields.Struct(spec, "persistentVolumeClaimRetentionPolicy") is { } retention)
        {
            Fields.DefaultString(retention, "whenDeleted", "Retain");
            Fields.DefaultString(retention, "whenScaled", "Retain");
        }

        Fields.DefaultPointer(spec, "replicas", 1);
        Fields.DefaultPointer(spec, "revisionHistoryLimit", DefaultRevisionHistoryLimit);
        PodSpecDefaults.ApplyTemplateField(spec, "template");

        foreach (var claim in Fields.Items(spec, "volumeClaimTemplates"))
        {
            SetLeading(claim, 0, "apiVersion", "v1");
            SetLeading(claim, 1, "kind", "PersistentVolumeClaim");
            PersistentVolumeDefaults.Claim(claim);
        }
    }

    /// <summary>Sets a type-meta field, placing it first as the API server writes it when it was missing.</summary>
    private static void SetLeading(JsonObject obj, int index, string key, string value)
    {
        if (obj.ContainsKey(key))
        {
            obj[key] = value;
        }
        else
        {
            obj.Insert(Math.Min(index, obj.Count), key, value);
        }
    }
}
