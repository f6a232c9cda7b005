using System.Text.Json.Nodes;
using Shim.Api.Apply;
using Xunit;

namespace Shim.Api.Tests.Apply;

public sealed class FieldSetTests
{
    // Byte-exact FieldsV1 documents: upstream's golden serialization data and real managedFields.
    [Theory]
    [InlineData("""{"f:aaa":{},"f:aab":{},"f:aac":{},"f:aad":{},"f:aae":{},"f:aaf":{},"k:{\"name\":\"first\"}":{},"k:{\"name\":\"second\"}":{},"k:{\"port\":443,\"protocol\":\"tcp\"}":{},"k:{\"port\":443,\"protocol\":\"udp\"}":{},"v:1":{},"v:2":{},"v:3":{},"v:\"aa\"":{},"v:\"ab\"":{},"v:true":{},"i:1":{},"i:2":{},"i:3":{},"i:4":{}}""")]
    [InlineData("""{"f:aaa":{"k:{\"name\":\"second\"}":{"v:3":{"f:aab":{}}},"v:3":{},"v:true":{}},"f:aab":{"f:aaa":{},"f:aaf":{"k:{\"port\":443,\"protocol\":\"udp\"}":{"k:{\"port\":443,\"protocol\":\"tcp\"}":{}}},"k:{\"name\":\"first\"}":{}},"f:aac":{"f:aaa":{"v:1":{}},"f:aac":{},"v:3":{"k:{\"name\":\"second\"}":{}}},"i:4":{"v:\"aa\"":{"f:aab":{"k:{\"name\":\"second\"}":{}}}}}""")]
    [InlineData("""{"f:spec":{".":{},"f:apps":{".":{},"k:{\"name\":\" app-💻\"}":{".":{},"f:container":{".":{},"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\"name\":\"port 🔑\"}":{".":{},"f:containerPort":{},"f:name":{}}}},"f:name":{}},"k:{\"name\":\" app-🚀\"}":{".":{},"f:container":{".":{},"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\"name\":\"port-✅ \"}":{".":{},"f:containerPort":{},"f:name":{}}}},"f:name":{}}}}}""")]
    [InlineData("""{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{}}}}}""")]
    [InlineData("""{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}},"f:finalizers":{".":{},"v:\"example.com/a\"":{}}},"f:spec":{"f:ports":{".":{},"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{},"f:protocol":{},"f:targetPort":{}}}}}""")]
    [InlineData("""{}""")]
    [InlineData("""{"f:a<b&c>":{}}""")]
    public void SerializesFieldsV1ExactlyAsUpstream(string fieldsV1)
    {
        var set = FieldSet.Parse(fieldsV1);
        Assert.Equal(fieldsV1.Replace("<", "\\u003c").Replace(">", "\\u003e").Replace("&", "\\u0026"), set.ToJsonString());
        Assert.Equal(set, FieldSet.FromFieldsV1(set.ToFieldsV1()));
        Assert.Equal(set, FieldSet.Parse(set.ToJsonString()));
    }

    [Theory]
    [InlineData("""{"f:b":{},"f:a":{}}""", """{"f:a":{},"f:b":{}}""")]
    [InlineData("""{"k:{ \"protocol\":\"udp\",\"port\":443}":{},"v: 3":{},"f:z":{}}""", """{"f:z":{},"k:{\"port\":443,\"protocol\":\"udp\"}":{},"v:3":{}}""")]
    [InlineData("""{"i:1":{},"v:true":{},"k:{\"a\":1}":{},"f:x":{}}""", """{"f:x":{},"k:{\"a\":1}":{},"v:true":{},"i:1":{}}""")]
    [InlineData("""{"v:\"b\"":{},"v:2":{},"v:1.5":{},"v:false":{},"v:null":{}}""", """{"v:1.5":{},"v:2":{},"v:\"b\"":{},"v:false":{},"v:null":{}}""")]
    [InlineData("""{"f:a":{"f:b":{}, ".":{}}, "f:c":{"r:unknown":{}}}""", """{"f:a":{".":{},"f:b":{}},"f:c":{}}""")]
    [InlineData("""{"f:a":{"f:b":{"f:c":{}}},"f:x":{"x:drop":{}}}""", """{"f:a":{"f:b":{"f:c":{}}},"f:x":{}}""")]
    public void NormalizesOrderAndDropsUnknownElements(string input, string expected)
    {
        Assert.Equal(expected, FieldSet.Parse(input).ToJsonString());
    }

    [Theory]
    [InlineData("i:0", PathElementKind.Index, "[0]")]
    [InlineData("i:1234", PathElementKind.Index, "[1234]")]
    [InlineData("f:", PathElementKind.Field, ".")]
    [InlineData("f:spec", PathElementKind.Field, ".spec")]
    [InlineData("f: string-with-spaces   ", PathElementKind.Field, ". string-with-spaces   ")]
    [InlineData("""k:{"name":"my-container"}""", PathElementKind.Key, """[name="my-container"]""")]
    [InlineData("""k:{"port":"8080","protocol":"TCP"}""", PathElementKind.Key, """[port="8080",protocol="TCP"]""")]
    [InlineData("""k:{"containerPort":80,"protocol":"TCP"}""", PathElementKind.Key, """[containerPort=80,protocol="TCP"]""")]
    [InlineData("""k:{"optionalField":null}""", PathElementKind.Key, "[optionalField=null]")]
    [InlineData("""k:{"jsonField":{"A":1,"B":null,"C":"D","E":{"F":"G"}}}""", PathElementKind.Key, null)]
    [InlineData("""k:{"listField":["1","2","3"]}""", PathElementKind.Key, """[listField=["1","2","3"]]""")]
    [InlineData("v:null", PathElementKind.Value, "[=null]")]
    [InlineData("v:\"some-string\"", PathElementKind.Value, "[=\"some-string\"]")]
    [InlineData("v:1234", PathElementKind.Value, "[=1234]")]
    [InlineData("""v:{"some":"json"}""", PathElementKind.Value, null)]
    [InlineData("""k:{"name":"app-🚀"}""", PathElementKind.Key, """[name="app-🚀"]""")]
    [InlineData("""k:{"name":"你好世界"}""", PathElementKind.Key, """[name="你好世界"]""")]
    [InlineData("f:spec-\\n", PathElementKind.Field, ".spec-\\n")]
    public void PathElementsRoundTrip(string serialized, PathElementKind kind, string? display)
    {
        var element = PathElement.Deserialize(serialized)!;
        Assert.Equal(kind, element.Kind);
        Assert.Equal(serialized, element.Serialize());
        if (display is not null)
        {
            Assert.Equal(display, element.ToString());
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-colon")]
    [InlineData("i:index is not a number")]
    [InlineData("i:1.23")]
    [InlineData("i:")]
    [InlineData("v:invalid json")]
    [InlineData("v:")]
    [InlineData("k:invalid json")]
    [InlineData("""k:{"name":invalid}""")]
    [InlineData("v")]
    [InlineData("k")]
    [InlineData("""v:{"a":"b" """)]
    [InlineData("i: 0")]
    [InlineData("i:0 ")]
    [InlineData("""v:{"some":"json"} {"other":"json"}""")]
    [InlineData("""k:{"name":"my-container"} garbage""")]
    [InlineData("""k:["not","an","object"]""")]
    public void MalformedPathElementsAreRejected(string serialized)
    {
        Assert.Throws<FormatException>(() => PathElement.Deserialize(serialized));
    }

    [Fact]
    public void UnknownElementTypesAreIgnored()
    {
        Assert.Null(PathElement.Deserialize("r:Hello"));
    }

    [Theory]
    [InlineData("""{"f:a":1}""")]
    [InlineData("""[]""")]
    [InlineData("""{"x":{}}""")]
    public void MalformedFieldsV1IsRejected(string fieldsV1)
    {
        Assert.Throws<FormatException>(() => FieldSet.Parse(fieldsV1));
    }

    [Fact]
    public void KeysSortTheirFieldsAndEscapeValuesAsGo()
    {
        var element = PathElement.KeyOf(("protocol", "TCP"), ("containerPort", 80));
        Assert.Equal("""k:{"containerPort":80,"protocol":"TCP"}""", element.Serialize());
        Assert.Equal("""k:{"name":"a\u003cb\u0026\"c\""}""", PathElement.KeyOf(("name", "a<b&\"c\"")).Serialize());
        Assert.Equal("v:1.5", PathElement.ValueOf(1.5).Serialize());
        Assert.Equal("v:1e-7", PathElement.ValueOf(1e-7).Serialize());
        Assert.Equal("v:1e+21", PathElement.ValueOf(1e21).Serialize());
        Assert.Equal("v:100000000000000000000", PathElement.ValueOf(1e20).Serialize());
        // Numbers equal whether read as ints or floats.
        Assert.Equal(PathElement.KeyOf(("port", 80)), PathElement.Deserialize("""k:{"port":80.0}"""));
    }

    [Fact]
    public void PathsPrintAsUpstreamConflictPaths()
    {
        var path = FieldPath.Of("spec", "template", "spec", "containers", PathElement.KeyOf(("name", "nginx")), "ports",
            PathElement.KeyOf(("containerPort", 80), ("protocol", "TCP")), "hostPort");
        Assert.Equal(""".spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"].hostPort""", path.ToString());
        Assert.Equal(""".metadata.finalizers[="a\tb"]""", FieldPath.Of("metadata", "finalizers", PathElement.ValueOf("a\tb")).ToString());
        Assert.Equal(".args[3]", FieldPath.Of("args", 3).ToString());
    }

    private static FieldSet S(params string[] paths) => new(paths.Select(p => FieldPath.Of(p.Split('.'))));

    public static TheoryData<string[], string[], string[], string[], string[], string[]> Operations => new()
    {
        // a, b, union, intersection, difference, recursive difference
        { ["a", "b"], ["b", "c"], ["a", "b", "c"], ["b"], ["a"], ["a"] },
        { ["a.x", "a.y"], ["a"], ["a", "a.x", "a.y"], [], ["a.x", "a.y"], [] },
        { ["a", "a.x"], ["a.x"], ["a", "a.x"], ["a.x"], ["a"], ["a"] },
        { ["s.p.q", "s.r"], ["s.p"], ["s.p", "s.p.q", "s.r"], [], ["s.p.q", "s.r"], ["s.r"] },
        { [], ["a"], ["a"], [], [], [] },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public void SetOperationsFollowUpstream(string[] a, string[] b, string[] union, string[] intersection, string[] difference, string[] recursive)
    {
        Assert.Equal(S(union), S(a).Union(S(b)));
        Assert.Equal(S(intersection), S(a).Intersection(S(b)));
        Assert.Equal(S(difference), S(a).Difference(S(b)));
        Assert.Equal(S(recursive), S(a).RecursiveDifference(S(b)));
    }

    [Fact]
    public void MembersAndChildrenAreDistinct()
    {
        var set = S("metadata.labels", "metadata.labels.app", "spec.replicas");
        Assert.True(set.Has(FieldPath.Of("metadata", "labels")));
        Assert.False(set.Has(FieldPath.Of("metadata")));
        Assert.Equal(3, set.Size);
        Assert.Equal(".metadata.labels\n.metadata.labels.app\n.spec.replicas", set.ToString());
        Assert.Equal("""{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{}}}""", set.ToJsonString());
        Assert.True(new FieldSet().IsEmpty);
        Assert.Equal("{}", new FieldSet().ToJsonString());
    }

    [Fact]
    public void FieldsV1ObjectHasTheSortedKeys()
    {
        var set = FieldSet.Parse("""{"f:b":{"f:y":{},".":{}},"f:a":{}}""");
        var o = set.ToFieldsV1();
        Assert.Equal(["f:a", "f:b"], o.Select(p => p.Key));
        Assert.Equal([".", "f:y"], o["f:b"]!.AsObject().Select(p => p.Key));
        Assert.Equal(JsonNode.Parse("""{"f:a":{},"f:b":{".":{},"f:y":{}}}""")!.ToJsonString(), o.ToJsonString());
    }
}
