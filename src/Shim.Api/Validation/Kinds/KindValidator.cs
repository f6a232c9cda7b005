using System.Text.Json.Nodes;
using Shim.Api.Errors;
using Shim.Api.Resources;

namespace Shim.Api.Validation.Kinds;

/// <summary>
/// Kind-specific validation as upstream's pkg/apis/*/validation and registry strategies do it, run after
/// defaulting and after metadata validation. <paramref name="old"/> is the stored object on update.
/// </summary>
public static class KindValidator
{
    public static List<FieldError> Validate(ResourceDefinition definition, JsonObject obj, JsonObject? old) =>
        (definition.Group, definition.Kind) switch
        {
            ("", "Pod") => PodValidator.Validate(obj, old),
            ("", "Service") => ServiceValidator.Validate(obj, old),
            ("", "Endpoints") => EndpointsValidator.Validate(obj),
            ("", "ConfigMap") => ConfigMapValidator.Validate(obj, old),
            ("", "Secret") => SecretValidator.Validate(obj, old),
            ("", "ServiceAccount") => [],
            ("", "Namespace") => NamespaceValidator.Validate(obj, old),
            ("", "Node") => NodeValidator.Validate(obj, old),
            ("", "Event") => EventValidator.Validate(obj),
            ("", "PersistentVolume") => PersistentVolumeValidator.Validate(obj, old),
            ("", "PersistentVolumeClaim") => PersistentVolumeClaimValidator.Validate(obj, old),
            ("", "LimitRange") => LimitRangeValidator.Validate(obj),
            ("", "ResourceQuota") => ResourceQuotaValidator.Validate(obj, old),
            ("", "PodTemplate") => PodTemplateKind(obj),
            ("", "ReplicationController") => ReplicationControllerValidator.Validate(obj),
            ("apps", "Deployment") => DeploymentValidator.Validate(obj, old),
            ("apps", "ReplicaSet") => ReplicaSetValidator.Validate(obj, old),
            ("apps", "StatefulSet") => StatefulSetValidator.Validate(obj, old),
            ("apps", "DaemonSet") => DaemonSetValidator.Validate(obj, old),
            ("apps", "ControllerRevision") => ControllerRevisionValidator.Validate(obj, old),
            ("batch", "Job") => JobValidator.Validate(obj, old),
            ("batch", "CronJob") => CronJobValidator.Validate(obj, old),
            ("autoscaling", "HorizontalPodAutoscaler") => HorizontalPodAutoscalerValidator.Validate(obj, old),
            ("policy", "PodDisruptionBudget") => PodDisruptionBudgetValidator.Validate(obj),
            ("networking.k8s.io", "Ingress") => IngressValidator.Validate(obj, old),
            ("networking.k8s.io", "IngressClass") => IngressClassValidator.Validate(obj, old),
            ("networking.k8s.io", "NetworkPolicy") => NetworkPolicyValidator.Validate(obj),
            ("discovery.k8s.io", "EndpointSlice") => EndpointSliceValidator.Validate(obj, old),
            ("rbac.authorization.k8s.io", "Role") => RbacValidator.ValidateRole(obj, namespaced: true),
            ("rbac.authorization.k8s.io", "ClusterRole") => RbacValidator.ValidateRole(obj, namespaced: false),
            ("rbac.authorization.k8s.io", "RoleBinding") => RbacValidator.ValidateBinding(obj, old, namespaced: true),
            ("rbac.authorization.k8s.io", "ClusterRoleBinding") => RbacValidator.ValidateBinding(obj, old, namespaced: false),
            ("coordination.k8s.io", "Lease") => LeaseValidator.Validate(obj),
            ("storage.k8s.io", "StorageClass") => StorageClassValidator.Validate(obj, old),
            ("scheduling.k8s.io", "PriorityClass") => PriorityClassValidator.Validate(obj, old),
            ("apiextensions.k8s.io", "CustomResourceDefinition") => CustomResourceDefinitionValidator.Validate(obj, old),
            _ => [],
        };

    private static List<FieldError> PodTemplateKind(JsonObject obj)
    {
        var errors = new List<FieldError>();
        PodTemplateValidator.Validate(obj.Obj("template"), "template", errors);
        return errors;
    }
}
