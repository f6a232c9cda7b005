using System.Text.Json.Nodes;
using Shim.Api.Resources;

namespace Shim.Api.Defaulting;

/// <summary>
/// Fills the defaults the upstream API server fills when it decodes an object of a served kind: its
/// SetDefaults functions, the declarative (+default) values of the schema, the conversion aliases visible on
/// the wire (a pod spec's serviceAccount, claim templates' apiVersion/kind) and the few values the pod strategy
/// records on create (status.qosClass and the SchedulingGated condition of a Pending pod that lacks them).
/// Runs on create and on every main-resource update: it only fills what is unset, so a value a user set is kept
/// and applying it again changes nothing.
/// </summary>
public static class Defaulter
{
    public static void Apply(ResourceDefinition definition, JsonObject obj) => Apply(definition, obj, TimeProvider.System);

    internal static void Apply(ResourceDefinition definition, JsonObject obj, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(clock);

        switch (definition.Group, definition.Kind)
        {
            case ("", "Pod"):
                PodDefaults.Apply(obj, clock);
                break;
            case ("", "PodTemplate"):
                CoreDefaults.PodTemplate(obj);
                break;
            case ("", "ReplicationController"):
                CoreDefaults.ReplicationController(obj);
                break;
            case ("", "Service"):
                ServiceDefaults.Apply(obj);
                break;
            case ("", "Endpoints"):
                CoreDefaults.Endpoints(obj);
                break;
            case ("", "Secret"):
                CoreDefaults.Secret(obj);
                break;
            case ("", "Namespace"):
                CoreDefaults.Namespace(obj);
                break;
            case ("", "Node"):
                CoreDefaults.Node(obj);
                break;
            case ("", "PersistentVolume"):
                PersistentVolumeDefaults.Volume(obj);
                break;
            case ("", "PersistentVolumeClaim"):
                PersistentVolumeDefaults.Claim(obj);
                break;
            case ("", "LimitRange"):
                CoreDefaults.LimitRange(obj);
                break;
            case ("", "ResourceQuota"):
                CoreDefaults.ResourceQuota(obj);
                break;
            case ("apps", "Deployment"):
                WorkloadDefaults.Deployment(obj);
                break;
            case ("apps", "ReplicaSet"):
                WorkloadDefaults.ReplicaSet(obj);
                break;
            case ("apps", "StatefulSet"):
                WorkloadDefaults.StatefulSet(obj);
                break;
            case ("apps", "DaemonSet"):
                WorkloadDefaults.DaemonSet(obj);
                break;
            case ("batch", "Job"):
                BatchDefaults.Job(obj);
                JobSelectorGeneration.Apply(obj);
                break;
            case ("batch", "CronJob"):
                BatchDefaults.CronJob(obj);
                break;
            case ("autoscaling", "HorizontalPodAutoscaler") when definition.Version == "v2":
                AutoscalingDefaults.HorizontalPodAutoscaler(obj);
                break;
            case ("networking.k8s.io", "NetworkPolicy"):
                NetworkingDefaults.NetworkPolicy(obj);
                break;
            case ("networking.k8s.io", "IngressClass"):
                NetworkingDefaults.IngressClass(obj);
                break;
            case ("discovery.k8s.io", "EndpointSlice"):
                DiscoveryDefaults.EndpointSlice(obj);
                break;
            case ("rbac.authorization.k8s.io", "RoleBinding" or "ClusterRoleBinding"):
                RbacDefaults.Binding(obj);
                break;
            case ("storage.k8s.io", "StorageClass"):
                StorageDefaults.StorageClass(obj);
                break;
            case ("scheduling.k8s.io", "PriorityClass"):
                SchedulingDefaults.PriorityClass(obj);
                break;
            case ("apiextensions.k8s.io", "CustomResourceDefinition"):
                ApiExtensionsDefaults.CustomResourceDefinition(obj);
                break;

            // ConfigMap (an empty data map is invisible), ServiceAccount, Event, ControllerRevision,
            // PodDisruptionBudget, Ingress, Role, ClusterRole and Lease have no visible defaults.
        }
    }
}
