using Shim.Printing.Printers;

namespace Shim.Printing;

/// <summary>Looks up the server-side table printer of a built-in kind.</summary>
public static class TablePrinters
{
    private static readonly EventPrinter CoreEvents = new(eventsApiByDefault: false);
    private static readonly RoleBindingPrinter RoleBindings = new();
    private static readonly ClusterRoleBindingPrinter ClusterRoleBindings = new();

    // Printers are stateless, so one instance per kind is shared by all requests.
    private static readonly Dictionary<(string Group, string Kind), ITablePrinter> Printers = new()
    {
        [("", "Pod")] = new PodPrinter(),
        [("", "Service")] = new ServicePrinter(),
        [("", "ReplicationController")] = new ReplicaSetPrinter(mapSelector: true),
        [("", "ConfigMap")] = new ConfigMapPrinter(),
        [("", "Secret")] = new SecretPrinter(),
        [("", "Namespace")] = new NamespacePrinter(),
        [("", "Node")] = new NodePrinter(),
        [("", "Event")] = CoreEvents,
        [("", "Endpoints")] = new EndpointsPrinter(),
        [("", "ServiceAccount")] = new ServiceAccountPrinter(),
        [("", "PersistentVolume")] = new PersistentVolumePrinter(),
        [("", "PersistentVolumeClaim")] = new PersistentVolumeClaimPrinter(),
        [("", "ResourceQuota")] = new ResourceQuotaPrinter(),
        [("", "PodTemplate")] = new PodTemplatePrinter(),
        [("apps", "Deployment")] = new DeploymentPrinter(),
        [("apps", "ReplicaSet")] = new ReplicaSetPrinter(),
        [("apps", "StatefulSet")] = new StatefulSetPrinter(),
        [("apps", "DaemonSet")] = new DaemonSetPrinter(),
        [("apps", "ControllerRevision")] = new ControllerRevisionPrinter(),
        [("batch", "Job")] = new JobPrinter(),
        [("batch", "CronJob")] = new CronJobPrinter(),
        [("events.k8s.io", "Event")] = new EventPrinter(eventsApiByDefault: true),
        [("discovery.k8s.io", "EndpointSlice")] = new EndpointSlicePrinter(),
        [("networking.k8s.io", "Ingress")] = new IngressPrinter(),
        [("networking.k8s.io", "IngressClass")] = new IngressClassPrinter(),
        [("networking.k8s.io", "NetworkPolicy")] = new NetworkPolicyPrinter(),
        [("autoscaling", "HorizontalPodAutoscaler")] = new HorizontalPodAutoscalerPrinter(),
        [("policy", "PodDisruptionBudget")] = new PodDisruptionBudgetPrinter(),
        [("rbac.authorization.k8s.io", "RoleBinding")] = RoleBindings,
        [("rbac.authorization.k8s.io", "ClusterRoleBinding")] = ClusterRoleBindings,
        [("coordination.k8s.io", "Lease")] = new LeasePrinter(),
        [("storage.k8s.io", "StorageClass")] = new StorageClassPrinter(),
        [("scheduling.k8s.io", "PriorityClass")] = new PriorityClassPrinter(),
    };

    /// <summary>
    /// The printer for <paramref name="kind"/> in <paramref name="group"/> ("" for core), or the default
    /// Name/Created At printer for kinds upstream has no printer for (Role, ClusterRole, LimitRange,
    /// CustomResourceDefinition) and for unknown kinds.
    /// </summary>
    public static ITablePrinter For(string group, string kind) =>
        Printers.TryGetValue((group, kind), out var printer) ? printer : DefaultPrinter.Instance;

    /// <summary>True when <paramref name="kind"/> has a dedicated printer.</summary>
    public static bool HasPrinter(string group, string kind) => Printers.ContainsKey((group, kind));
}
