using System.Text.Json.Nodes;
using Shim.Api.Apply;
using Shim.Api.Schema;
using Xunit;

namespace Shim.Api.Tests.Apply;

public sealed class FieldSetsTests
{
    private static SchemaNode? Schema(string gvk)
    {
        if (gvk.Length == 0)
        {
            return null;
        }

        var parts = gvk.Split('/');
        return parts.Length == 2
            ? SchemaRegistry.Instance.ForKind("", parts[0], parts[1])
            : SchemaRegistry.Instance.ForKind(parts[0], parts[1], parts[2]);
    }

    public static TheoryData<string, string, string, string> Cases => new()
    {
        {
            "deployment apply config: labels granular, selector atomic, containers by name, ports by containerPort+protocol (default TCP)",
            "apps/v1/Deployment",
            """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","labels":{"app":"nginx"}},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"nginx"}},
               "template":{"metadata":{"labels":{"app":"nginx"}},
                 "spec":{"containers":[{"name":"nginx","image":"nginx:1.14.2","ports":[{"containerPort":80}]}]}}}}
            """,
            """{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}"""
        },
        {
            "pod: finalizers set, args atomic, env by name, nodeSelector atomic map, tolerations atomic, empty struct is a leaf, quantities map",
            "v1/Pod",
            """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default","uid":"x","resourceVersion":"1",
               "finalizers":["example.com/b","example.com/a"],"labels":{"app":"web"}},
             "spec":{"nodeSelector":{"disktype":"ssd"},"tolerations":[{"key":"k","operator":"Exists"}],
               "containers":[{"name":"app","image":"nginx","args":["--a","--b"],"env":[{"name":"A","value":"1"}],
                 "ports":[{"containerPort":80},{"containerPort":53,"protocol":"UDP"}],"resources":{"limits":{"cpu":"1"}}}],
               "volumes":[{"name":"data","emptyDir":{}}]}}
            """,
            """{"f:metadata":{"f:finalizers":{"v:\"example.com/a\"":{},"v:\"example.com/b\"":{}},"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:args":{},"f:env":{"k:{\"name\":\"A\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":53,\"protocol\":\"UDP\"}":{".":{},"f:containerPort":{},"f:protocol":{}},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}},"f:resources":{"f:limits":{"f:cpu":{}}}}},"f:nodeSelector":{},"f:tolerations":{},"f:volumes":{"k:{\"name\":\"data\"}":{".":{},"f:emptyDir":{},"f:name":{}}}}}"""
        },
        {
            "service: ports by port+protocol, selector atomic",
            "v1/Service",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[{"port":80,"targetPort":8080}],"selector":{"app":"web"},"type":"ClusterIP"}}""",
            """{"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{},"f:targetPort":{}}},"f:selector":{},"f:type":{}}}"""
        },
        {
            "configmap: data granular, annotations granular, null and empty values are leaves",
            "v1/ConfigMap",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","annotations":{"a":"1"},"labels":{}},"data":{"k1":"v1","k2":""},"immutable":null}""",
            """{"f:data":{"f:k1":{},"f:k2":{}},"f:immutable":{},"f:metadata":{"f:annotations":{"f:a":{}},"f:labels":{}}}"""
        },
        {
            "namespace: spec.finalizers is atomic",
            "v1/Namespace",
            """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n"},"spec":{"finalizers":["kubernetes"]}}""",
            """{"f:spec":{"f:finalizers":{}}}"""
        },
        {
            "pod status: conditions by type",
            "v1/Pod",
            """{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}""",
            """{"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{".":{},"f:status":{},"f:type":{}}},"f:phase":{}}}"""
        },
        {
            "duplicate list keys: the item is a leaf",
            "v1/Pod",
            """{"spec":{"containers":[{"name":"c","env":[{"name":"A","value":"1"},{"name":"A","value":"2"},{"name":"B","value":"3"}]}]}}""",
            """{"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:env":{"k:{\"name\":\"A\"}":{},"k:{\"name\":\"B\"}":{".":{},"f:name":{},"f:value":{}}},"f:name":{}}}}}"""
        },
        {
            "no schema: maps are granular (every key a member), lists atomic",
            "",
            """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","labels":{"a":"b"}},"spec":{"size":3,"items":[{"x":1}],"nested":{"deep":true},"empty":{}}}""",
            """{"f:metadata":{"f:labels":{".":{},"f:a":{}}},"f:spec":{".":{},"f:empty":{},"f:items":{},"f:nested":{".":{},"f:deep":{}},"f:size":{}}}"""
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FieldSetsFollowListAndMapTypes(string because, string gvk, string obj, string expected)
    {
        var set = FieldSets.Of(JsonNode.Parse(obj)!.AsObject(), Schema(gvk));
        Assert.True(expected == set.ToJsonString(), $"{because}\nexpected: {expected}\nactual:   {set.ToJsonString()}");
    }

    [Fact]
    public void AllKeepsTheMetadataThatOfStrips()
    {
        var obj = JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"d","uid":"u","resourceVersion":"5","generation":2,"creationTimestamp":"2024-01-01T00:00:00Z","labels":{"a":"b"}},"data":{"k":"v"}}""")!.AsObject();
        var schema = Schema("v1/ConfigMap");
        Assert.Equal(
            """{"f:apiVersion":{},"f:data":{"f:k":{}},"f:kind":{},"f:metadata":{"f:creationTimestamp":{},"f:generation":{},"f:labels":{"f:a":{}},"f:name":{},"f:namespace":{},"f:resourceVersion":{},"f:uid":{}}}""",
            FieldSets.All(obj, schema).ToJsonString());
        Assert.Equal("""{"f:data":{"f:k":{}},"f:metadata":{"f:labels":{"f:a":{}}}}""", FieldSets.Of(obj, schema).ToJsonString());
        Assert.True(FieldSets.StripSet.Has(FieldPath.Of("metadata", "managedFields")));
    }

    [Theory]
    [InlineData("", "Deployment", null, true, """{"f:status":{}}""")]
    [InlineData("apps", "Deployment", "status", true, """{"f:metadata":{"f:labels":{}},"f:spec":{}}""")]
    [InlineData("", "Pod", "status", true, """{"f:metadata":{"f:deletionTimestamp":{},"f:ownerReferences":{}},"f:spec":{}}""")]
    [InlineData("", "Service", "status", true, """{"f:spec":{}}""")]
    [InlineData("", "ConfigMap", null, false, null)]
    [InlineData("apps", "Deployment", "scale", true, null)]
    public void ResetFieldsPerEndpoint(string group, string kind, string? subresource, bool hasStatus, string? expected)
    {
        Assert.Equal(expected, ResetFields.For(group, kind, subresource, hasStatus)?.ToJsonString());
    }
}
