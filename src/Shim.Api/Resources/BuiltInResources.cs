using System.Text.Json.Nodes;
using Shim.Api.Json;
using Shim.Api.Selectors;
using Shim.Api.Validation;

namespace Shim.Api.Resources;

/// <summary>The built-in kinds served, with the facts upstream registers for each (scope, short names, subresources, field labels).</summary>
public static class BuiltInResources
{
    private const string Apps = "apps";
    private const string Batch = "batch";
    private const string Networking = "networking.k8s.io";
    private const string Rbac = "rbac.authorization.k8s.io";

    public static ResourceRegistry Create(Admission.DefaultTolerationSeconds? tolerations = null) => new(Definitions(tolerations ?? Admission.DefaultTolerationSeconds.Default));

    private static IEnumerable<ResourceDefinition> Definitions(Admission.DefaultTolerationSeconds tolerations)
    {
        // core/v1
        yield return new ResourceDefinition
        {
            Group = "", Version = "v1", Resource = "pods", Kind = "Pod", Namespaced = true, ShortNames = ["po"], Categories = ["all"],
            HasStatus = true, ResetStatusOnCreate = true, TracksGeneration = true, ReturnDeletedObject = true,
            FieldLabels = Fields(
                ("spec.nodeName", o => o.Str("spec", "nodeName")),
                ("spec.host", o => o.Str("spec", "nodeName")),
                ("spec.restartPolicy", o => o.Str("spec", "restartPolicy")),
                ("spec.schedulerName", o => o.Str("spec", "schedulerName")),
                ("spec.serviceAccountName", o => o.Str("spec", "serviceAccountName")),
                ("spec.hostNetwork", o => o.Str("spec", "hostNetwork") ?? "false"),
                ("status.phase", o => o.Str("status", "phase")),
                ("status.podIP", o => o.Str("status", "podIP")),
                ("status.podIPs", o => o.Str("status", "podIP")),
                ("status.nominatedNodeName", o => o.Str("status", "nominatedNodeName"))),
            PrepareForCreate = o =>
            {
                o["status"] = new JsonObject { ["phase"] = "Pending" };
                tolerations.Admit(o);
            },
        };
        yield return new ResourceDefinition
        {
            Group = "", Version = "v1", Resource = "services", Kind = "Service", Namespaced = true, ShortNames = ["svc"], Categories = ["all"],
            HasStatus = true, ResetStatusOnCreate = true, NameRule = NameRule.Dns1035Label, ReturnDeletedObject = true,
            FieldLabels = Fields(("spec.clusterIP", o => o.Str("spec", "clusterIP")), ("spec.type", o => o.Str("spec", "type"))),
            PrepareForCreate = o => o["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() },
            PrepareForUpdate = ServiceNetwork.ServiceUpdatePreparation.Apply,
        };
        yield return Core("endpoints", "Endpoints", true, ["ep"]);
        yield return Core("configmaps", "ConfigMap", true, ["cm"]);
        yield return Core("secrets", "Secret", true, [], Fields(("type", o => o.Str("type"))));
        yield return Core("serviceaccounts", "ServiceAccount", true, ["sa"], returnDeleted: true);
        yield return new ResourceDefinition
        {
            Group = "", Version = "v1", Resource = "namespaces", Kind = "Namespace", Namespaced = false, ShortNames = ["ns"],
            HasStatus = true, ResetStatusOnCreate = true, NameRule = NameRule.Dns1123Label, ReturnDeletedObject = true,
            FieldLabels = Fields(("status.phase", o => o.Str("status", "phase"))),
            // Phase Active and the name label come from defaulting; the "kubernetes" finalizer is the registry's.
            PrepareForCreate = o => o.Ensure("spec")["finalizers"] = new JsonArray("kubernetes"),
        };
        yield return new ResourceDefinition
        {
            Group = "", Version = "v1", Resource = "nodes", Kind = "Node", Namespaced = false, ShortNames = ["no"],
            HasStatus = true, TracksGeneration = true, ReturnDeletedObject = true,
            FieldLabels = Fields(("spec.unschedulable", o => o.Str("spec", "unschedulable") ?? "false")),
        };
        yield return new ResourceDefinition
        {
            Group = "", Version = "v1", Resource = "events", Kind = "Event", Namespaced = true, ShortNames = ["ev"],
            FieldLabels = Fields(
                ("involvedObject.kind", o => o.Str("involvedObject", "kind")),
                ("involvedObject.namespace", o => o.Str("involvedObject", "namespace")),
                ("involvedObject.name", o => o.Str("involvedObject", "name")),
                ("involvedObject.uid", o => o.Str("involvedObject", "uid")),
                ("involvedObject.apiVersion", o => o.Str("involvedObject", "apiVersion")),
                ("involvedObject.resourceVersion", o => o.Str("involvedObject", "resourceVersion")),
                ("involvedObject.fieldPath", o => o.Str("involvedObject", "fieldPath")),
                ("reason", o => o.Str("reason")),
                ("reportingComponent", o => o.Str("reportingComponent")),
                ("source", o => o.Str("source", "component")),
                ("type", o => o.Str("type"))),
        };
        yield return new ResourceDefinition
        {
            Group = "", Version = "v1", Resource = "persistentvolumes", Kind = "PersistentVolume", Namespaced = false, ShortNames = ["pv"],
            HasStatus = true, ResetStatusOnCreate = true, TracksGeneration = true, ReturnDeletedObject = true,
            PrepareForCreate = o => o["status"] = new JsonObject { ["phase"] = "Pending" },
        };
        yield return new ResourceDefinition
        {
            Group = "", Version = "v1", Resource = "persistentvolumeclaims", Kind = "PersistentVolumeClaim", Namespaced = true, ShortNames = ["pvc"],
            HasStatus = true, ResetStatusOnCreate = true, TracksGeneration = true, ReturnDeletedObject = true,
            PrepareForCreate = o => o["status"] = new JsonObject { ["phase"] = "Pending" },
        };
        yield return Core("limitranges", "LimitRange", true, ["limits"]);
        yield return new ResourceDefinition
        {
            Group = "", Version = "v1", Resource = "resourcequotas", Kind = "ResourceQuota", Namespaced = true, ShortNames = ["quota"],
            HasStatus = true, ResetStatusOnCreate = true,
        };
        yield return Core("podtemplates", "PodTemplate", true, []);
        yield return new ResourceDefinition
        {
            Group = "", Version = "v1", Resource = "replicationcontrollers", Kind = "ReplicationController", Namespaced = true,
            ShortNames = ["rc"], Categories = ["all"], HasStatus = true, ResetStatusOnCreate = true, TracksGeneration = true,
            Scale = new ScaleDefinition(o => LabelSelector.FromMap(o.At("spec", "selector") as JsonObject).ToString()),
            FieldLabels = Fields(("status.replicas", o => o.Str("status", "replicas") ?? "0")),
        };

        // apps/v1
        yield return Workload(Apps, "deployments", "Deployment", ["deploy"]);
        yield return Workload(Apps, "replicasets", "ReplicaSet", ["rs"], Fields(("status.replicas", o => o.Str("status", "replicas") ?? "0")));
        yield return Workload(Apps, "statefulsets", "StatefulSet", ["sts"]);
        yield return new ResourceDefinition
        {
            Group = Apps, Version = "v1", Resource = "daemonsets", Kind = "DaemonSet", Namespaced = true, ShortNames = ["ds"], Categories = ["all"],
            HasStatus = true, ResetStatusOnCreate = true, TracksGeneration = true,
        };
        yield return Simple(Apps, "v1", "controllerrevisions", "ControllerRevision", true);

        // batch/v1
        yield return new ResourceDefinition
        {
            Group = Batch, Version = "v1", Resource = "jobs", Kind = "Job", Namespaced = true, Categories = ["all"],
            HasStatus = true, ResetStatusOnCreate = true, TracksGeneration = true,
            FieldLabels = Fields(("status.successful", o => o.Str("status", "succeeded") ?? "0")),
        };
        yield return new ResourceDefinition
        {
            Group = Batch, Version = "v1", Resource = "cronjobs", Kind = "CronJob", Namespaced = true, ShortNames = ["cj"], Categories = ["all"],
            HasStatus = true, ResetStatusOnCreate = true, TracksGeneration = true, MaxNameLength = 52,
        };

        yield return new ResourceDefinition
        {
            Group = "autoscaling", Version = "v2", Resource = "horizontalpodautoscalers", Kind = "HorizontalPodAutoscaler", Namespaced = true,
            ShortNames = ["hpa"], Categories = ["all"], HasStatus = true, ResetStatusOnCreate = true, TracksGeneration = true,
        };
        yield return new ResourceDefinition
        {
            Group = "policy", Version = "v1", Resource = "poddisruptionbudgets", Kind = "PodDisruptionBudget", Namespaced = true,
            ShortNames = ["pdb"], HasStatus = true, ResetStatusOnCreate = true, TracksGeneration = true,
        };
        yield return new ResourceDefinition
        {
            Group = Networking, Version = "v1", Resource = "ingresses", Kind = "Ingress", Namespaced = true, ShortNames = ["ing"],
            HasStatus = true, ResetStatusOnCreate = true, TracksGeneration = true,
        };
        yield return Simple(Networking, "v1", "ingressclasses", "IngressClass", false);
        yield return Simple(Networking, "v1", "networkpolicies", "NetworkPolicy", true, ["netpol"], tracksGeneration: true);
        yield return Simple("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true);
        yield return Simple(Rbac, "v1", "roles", "Role", true, nameRule: NameRule.PathSegment);
        yield return Simple(Rbac, "v1", "rolebindings", "RoleBinding", true, nameRule: NameRule.PathSegment);
        yield return Simple(Rbac, "v1", "clusterroles", "ClusterRole", false, nameRule: NameRule.PathSegment);
        yield return Simple(Rbac, "v1", "clusterrolebindings", "ClusterRoleBinding", false, nameRule: NameRule.PathSegment);
        yield return Simple("coordination.k8s.io", "v1", "leases", "Lease", true);
        yield return Simple("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, ["sc"]);
        yield return Simple("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, ["pc"]);
        yield return new ResourceDefinition
        {
            Group = "apiextensions.k8s.io", Version = "v1", Resource = "customresourcedefinitions", Kind = "CustomResourceDefinition",
            Namespaced = false, ShortNames = ["crd", "crds"], Categories = ["api-extensions"], HasStatus = true, ResetStatusOnCreate = true,
            TracksGeneration = true,
        };
    }

    private static ResourceDefinition Core(string resource, string kind, bool namespaced, string[] shortNames,
        IReadOnlyDictionary<string, Func<JsonObject, string?>>? fields = null, bool returnDeleted = false) => new()
    {
        Group = "", Version = "v1", Resource = resource, Kind = kind, Namespaced = namespaced, ShortNames = shortNames,
        FieldLabels = fields ?? Fields(), ReturnDeletedObject = returnDeleted,
    };

    private static ResourceDefinition Simple(string group, string version, string resource, string kind, bool namespaced,
        string[]? shortNames = null, NameRule nameRule = NameRule.Dns1123Subdomain, bool tracksGeneration = false) => new()
    {
        Group = group, Version = version, Resource = resource, Kind = kind, Namespaced = namespaced, ShortNames = shortNames ?? [],
        NameRule = nameRule, TracksGeneration = tracksGeneration,
    };

    private static ResourceDefinition Workload(string group, string resource, string kind, string[] shortNames,
        IReadOnlyDictionary<string, Func<JsonObject, string?>>? fields = null) => new()
    {
        Group = group, Version = "v1", Resource = resource, Kind = kind, Namespaced = true, ShortNames = shortNames, Categories = ["all"],
        HasStatus = true, ResetStatusOnCreate = true, TracksGeneration = true,
        Scale = new ScaleDefinition(o => LabelSelector.FromObject(o.At("spec", "selector") as JsonObject)?.ToString() ?? ""),
        FieldLabels = fields ?? Fields(),
    };

    private static Dictionary<string, Func<JsonObject, string?>> Fields(params (string Name, Func<JsonObject, string?> Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal);
}
