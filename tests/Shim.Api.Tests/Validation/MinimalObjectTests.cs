using System.Text.Json.Nodes;
using Shim.Api.Resources;
using Shim.Api.Validation.Kinds;
using Xunit;

namespace Shim.Api.Tests.Validation;

/// <summary>Objects as users write them, before defaulting: fields upstream defaults are never reported missing.</summary>
public sealed class MinimalObjectTests
{
    private static readonly ResourceRegistry Registry = BuiltInResources.Create();

    private const string Containers = """{"containers":[{"name":"app","image":"nginx","ports":[{"containerPort":80}],"livenessProbe":{"httpGet":{"port":80}}}]}""";

    public static TheoryData<string, string, string> Minimal() => new()
    {
        { "", "pods", """{"metadata":{"name":"p","namespace":"default"},"spec":%C%}""" },
        { "", "services", """{"metadata":{"name":"s","namespace":"default"},"spec":{"selector":{"app":"web"},"ports":[{"port":80}]}}""" },
        { "", "services", """{"metadata":{"name":"s","namespace":"default"},"spec":{"type":"LoadBalancer","ports":[{"port":80,"targetPort":0}]}}""" },
        { "", "secrets", """{"metadata":{"name":"s","namespace":"default"},"stringData":{"a":"b"}}""" },
        { "", "persistentvolumeclaims", """{"metadata":{"name":"c","namespace":"default"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":5}}}}""" },
        { "", "replicationcontrollers", """{"metadata":{"name":"rc","namespace":"default"},"spec":{"template":{"metadata":{"labels":{"app":"x"}},"spec":%C%}}}""" },
        { "apps", "deployments", """{"metadata":{"name":"d","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":%C%}}}""" },
        { "apps", "deployments", """{"metadata":{"name":"d","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"x"}},"strategy":{"rollingUpdate":{"maxSurge":1}},"template":{"metadata":{"labels":{"app":"x"}},"spec":%C%}}}""" },
        { "apps", "statefulsets", """{"metadata":{"name":"s","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":%C%}}}""" },
        { "apps", "daemonsets", """{"metadata":{"name":"d","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":%C%}}}""" },
        { "batch", "jobs", """{"metadata":{"name":"j","namespace":"default"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"j","image":"busybox"}]}}}}""" },
        { "batch", "cronjobs", """{"metadata":{"name":"c","namespace":"default"},"spec":{"schedule":"@daily","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"j","image":"busybox"}]}}}}}}""" },
        { "autoscaling", "horizontalpodautoscalers", """{"metadata":{"name":"h","namespace":"default"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"d"},"maxReplicas":3}}""" },
        { "networking.k8s.io", "ingresses", """{"metadata":{"name":"i","namespace":"default"},"spec":{"defaultBackend":{"service":{"name":"web","port":{"number":80}}}}}""" },
        { "networking.k8s.io", "networkpolicies", """{"metadata":{"name":"n","namespace":"default"},"spec":{"podSelector":{}}}""" },
        { "rbac.authorization.k8s.io", "rolebindings", """{"metadata":{"name":"b","namespace":"default"},"roleRef":{"kind":"ClusterRole","name":"view"},"subjects":[{"kind":"User","name":"u"}]}""" },
        { "storage.k8s.io", "storageclasses", """{"metadata":{"name":"s"},"provisioner":"kubernetes.io/no-provisioner"}""" },
        { "scheduling.k8s.io", "priorityclasses", """{"metadata":{"name":"p"},"value":10}""" },
        { "discovery.k8s.io", "endpointslices", """{"metadata":{"name":"e","namespace":"default"},"addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"]}],"ports":[{"port":80}]}""" },
        { "coordination.k8s.io", "leases", """{"metadata":{"name":"l","namespace":"default"},"spec":{}}""" },
        { "apiextensions.k8s.io", "customresourcedefinitions", """{"metadata":{"name":"foos.example.com"},"spec":{"group":"example.com","scope":"Cluster","names":{"plural":"foos","kind":"Foo"},"versions":[{"name":"v1alpha1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]}}""" },
    };

    [Theory]
    [MemberData(nameof(Minimal))]
    public void MinimalObjectIsValid(string group, string resource, string json)
    {
        var errors = KindValidator.Validate(Registry.Get(group, resource), (JsonObject)JsonNode.Parse(json.Replace("%C%", Containers, StringComparison.Ordinal))!, null);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }
}
