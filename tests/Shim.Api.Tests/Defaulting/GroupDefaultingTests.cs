using Xunit;

namespace Shim.Api.Tests.Defaulting;

/// <summary>Defaults of the named API groups other than apps and batch.</summary>
public sealed class GroupDefaultingTests
{
    public static TheoryData<string, string, string, string, string> Cases => new()
    {
        {
            "horizontal pod autoscaler", "autoscaling", "horizontalpodautoscalers",
            """{"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":5}}""",
            """
            {"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":5,"minReplicas":1,
             "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}}]}}
            """
        },
        {
            "horizontal pod autoscaler: a behavior block is completed", "autoscaling", "horizontalpodautoscalers",
            """
            {"spec":{"minReplicas":2,"maxReplicas":5,"metrics":[{"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"1Gi"}}}],
             "behavior":{"scaleDown":{"stabilizationWindowSeconds":60,"tolerance":"0.05"}}}}
            """,
            """
            {"spec":{"minReplicas":2,"maxReplicas":5,"metrics":[{"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"1Gi"}}}],
             "behavior":{
               "scaleDown":{"stabilizationWindowSeconds":60,"tolerance":"0.05","selectPolicy":"Max","policies":[{"type":"Percent","value":100,"periodSeconds":15}]},
               "scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max","policies":[{"type":"Pods","value":4,"periodSeconds":15},{"type":"Percent","value":100,"periodSeconds":15}]}}}}
            """
        },
        {
            "horizontal pod autoscaler: explicit policies are kept, even empty", "autoscaling", "horizontalpodautoscalers",
            """{"spec":{"minReplicas":1,"maxReplicas":2,"metrics":[{"type":"Pods"}],"behavior":{"scaleUp":{"selectPolicy":"Disabled","policies":[]},"scaleDown":{"policies":[{"type":"Pods","value":1,"periodSeconds":60}]}}}}""",
            """
            {"spec":{"minReplicas":1,"maxReplicas":2,"metrics":[{"type":"Pods"}],"behavior":{
             "scaleUp":{"selectPolicy":"Disabled","policies":[],"stabilizationWindowSeconds":0},
             "scaleDown":{"policies":[{"type":"Pods","value":1,"periodSeconds":60}],"selectPolicy":"Max"}}}}
            """
        },
        {
            "network policy: ingress only", "networking.k8s.io", "networkpolicies",
            """{"spec":{"podSelector":{},"ingress":[{"ports":[{"port":80},{"port":53,"protocol":"UDP"}]}]}}""",
            """{"spec":{"podSelector":{},"ingress":[{"ports":[{"port":80,"protocol":"TCP"},{"port":53,"protocol":"UDP"}]}],"policyTypes":["Ingress"]}}"""
        },
        {
            "network policy: with egress rules", "networking.k8s.io", "networkpolicies",
            """{"spec":{"podSelector":{},"egress":[{"ports":[{"port":443}]}]}}""",
            """{"spec":{"podSelector":{},"egress":[{"ports":[{"port":443,"protocol":"TCP"}]}],"policyTypes":["Ingress","Egress"]}}"""
        },
        {
            "network policy: explicit policy types kept", "networking.k8s.io", "networkpolicies",
            """{"spec":{"podSelector":{},"policyTypes":["Egress"]}}""",
            """{"spec":{"podSelector":{},"policyTypes":["Egress"]}}"""
        },
        {
            "ingress class parameters are cluster scoped by default", "networking.k8s.io", "ingressclasses",
            """{"spec":{"controller":"example.com/ingress","parameters":{"kind":"Params","name":"p"}}}""",
            """{"spec":{"controller":"example.com/ingress","parameters":{"kind":"Params","name":"p","scope":"Cluster"}}}"""
        },
        {
            "ingress has no defaults", "networking.k8s.io", "ingresses",
            """{"spec":{"rules":[{"host":"a.example"}]}}""",
            """{"spec":{"rules":[{"host":"a.example"}]}}"""
        },
        {
            "endpoint slice", "discovery.k8s.io", "endpointslices",
            """{"addressType":"IPv4","endpoints":[],"ports":[{"port":80},{"name":"dns","port":53,"protocol":"UDP"}]}""",
            """{"addressType":"IPv4","endpoints":[],"ports":[{"port":80,"name":"","protocol":"TCP"},{"name":"dns","port":53,"protocol":"UDP"}]}"""
        },
        {
            "role binding", "rbac.authorization.k8s.io", "rolebindings",
            """
            {"roleRef":{"kind":"Role","name":"r"},"subjects":[{"kind":"User","name":"u"},{"kind":"Group","name":"g"},
             {"kind":"ServiceAccount","name":"sa","namespace":"ns"},{"kind":"User","name":"v","apiGroup":"example.com"}]}
            """,
            """
            {"roleRef":{"kind":"Role","name":"r","apiGroup":"rbac.authorization.k8s.io"},"subjects":[
             {"kind":"User","name":"u","apiGroup":"rbac.authorization.k8s.io"},{"kind":"Group","name":"g","apiGroup":"rbac.authorization.k8s.io"},
             {"kind":"ServiceAccount","name":"sa","namespace":"ns","apiGroup":""},{"kind":"User","name":"v","apiGroup":"example.com"}]}
            """
        },
        {
            "cluster role binding", "rbac.authorization.k8s.io", "clusterrolebindings",
            """{"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"Group","name":"system:authenticated"}]}""",
            """{"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"Group","name":"system:authenticated","apiGroup":"rbac.authorization.k8s.io"}]}"""
        },
        {
            "role has no defaults", "rbac.authorization.k8s.io", "roles",
            """{"rules":[{"verbs":["get"],"resources":["pods"],"apiGroups":[""]}]}""",
            """{"rules":[{"verbs":["get"],"resources":["pods"],"apiGroups":[""]}]}"""
        },
        {
            "storage class", "storage.k8s.io", "storageclasses",
            """{"metadata":{"name":"standard"},"provisioner":"example.com/disk"}""",
            """{"metadata":{"name":"standard"},"provisioner":"example.com/disk","reclaimPolicy":"Delete","volumeBindingMode":"Immediate"}"""
        },
        {
            "storage class: user values kept", "storage.k8s.io", "storageclasses",
            """{"provisioner":"p","reclaimPolicy":"Retain","volumeBindingMode":"WaitForFirstConsumer"}""",
            """{"provisioner":"p","reclaimPolicy":"Retain","volumeBindingMode":"WaitForFirstConsumer"}"""
        },
        {
            "priority class", "scheduling.k8s.io", "priorityclasses",
            """{"metadata":{"name":"high"},"value":1000}""",
            """{"metadata":{"name":"high"},"value":1000,"preemptionPolicy":"PreemptLowerPriority"}"""
        },
        {
            "priority class: never preempting kept", "scheduling.k8s.io", "priorityclasses",
            """{"value":1,"preemptionPolicy":"Never"}""",
            """{"value":1,"preemptionPolicy":"Never"}"""
        },
        {
            "custom resource definition", "apiextensions.k8s.io", "customresourcedefinitions",
            """
            {"metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},
             "versions":[{"name":"v1beta1","served":true,"storage":false},{"name":"v1","served":true,"storage":true}]}}
            """,
            """
            {"metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget","singular":"widget","listKind":"WidgetList"},
             "versions":[{"name":"v1beta1","served":true,"storage":false},{"name":"v1","served":true,"storage":true}],"conversion":{"strategy":"None"}},
             "status":{"storedVersions":["v1"]}}
            """
        },
        {
            "custom resource definition: webhook conversion service port", "apiextensions.k8s.io", "customresourcedefinitions",
            """
            {"spec":{"names":{"plural":"gadgets","kind":"Gadget","singular":"gizmo","listKind":"Gadgets"},
             "conversion":{"strategy":"Webhook","webhook":{"conversionReviewVersions":["v1"],"clientConfig":{"service":{"namespace":"ns","name":"conv"}}}},
             "versions":[{"name":"v1","served":true,"storage":true}]},
             "status":{"storedVersions":["v1alpha1","v1"]}}
            """,
            """
            {"spec":{"names":{"plural":"gadgets","kind":"Gadget","singular":"gizmo","listKind":"Gadgets"},
             "conversion":{"strategy":"Webhook","webhook":{"conversionReviewVersions":["v1"],"clientConfig":{"service":{"namespace":"ns","name":"conv","port":443}}}},
             "versions":[{"name":"v1","served":true,"storage":true}]},
             "status":{"storedVersions":["v1alpha1","v1"]}}
            """
        },
        {
            "pod disruption budget has no defaults", "policy", "poddisruptionbudgets",
            """{"spec":{"minAvailable":1}}""",
            """{"spec":{"minAvailable":1}}"""
        },
        {
            "lease has no defaults", "coordination.k8s.io", "leases",
            """{"spec":{"holderIdentity":"x"}}""",
            """{"spec":{"holderIdentity":"x"}}"""
        },
        {
            "controller revision has no defaults", "apps", "controllerrevisions",
            """{"revision":1}""",
            """{"revision":1}"""
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DefaultsGroupKinds(string name, string group, string resource, string before, string after)
    {
        Assert.NotEmpty(name);
        DefaultingAssert.Defaults(group, resource, before, after);
    }
}
