using System.Text.Json.Nodes;
using Shim.Api.Apply;
using Shim.Api.Schema;
using Xunit;
using static Shim.Api.Tests.Apply.ApplyTestData;

namespace Shim.Api.Tests.Apply;

/// <summary>Custom resources: the schema is a CRD's openAPIV3Schema (inline, no references).</summary>
public sealed class CustomSchemaTests
{
    private static readonly SchemaNode Widget = new(SchemaRegistry.Instance, J("""
        {"type":"object","properties":{
          "apiVersion":{"type":"string"},"kind":{"type":"string"},"metadata":{"type":"object"},
          "spec":{"type":"object","required":["size"],"properties":{
            "size":{"type":"integer"},
            "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["port","protocol"],
              "items":{"type":"object","required":["port"],"properties":{"port":{"type":"integer"},"protocol":{"type":"string","default":"TCP"},"name":{"type":"string"}}}},
            "tags":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}},
            "args":{"type":"array","items":{"type":"string"}},
            "selector":{"type":"object","x-kubernetes-map-type":"atomic","additionalProperties":{"type":"string"}},
            "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}
        """));

    private static JsonObject Config(string spec) => J("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":SPEC}""".Replace("SPEC", spec));

    [Fact]
    public void FieldSetsFollowTheCrdListAndMapTypes()
    {
        var set = FieldSets.Of(Config("""{"ports":[{"port":80}],"tags":["b","a"],"args":["x"],"selector":{"a":"b"},"extra":{"free":{"form":1}}}"""), Widget);
        Assert.Equal(
            """{"f:spec":{"f:args":{},"f:extra":{"f:free":{".":{},"f:form":{}}},"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{}}},"f:selector":{},"f:tags":{"v:\"a\"":{},"v:\"b\"":{}}}}""",
            set.ToJsonString());
    }

    [Fact]
    public void UpdatesOfCustomResourcesAreNotGivenTypedDefaults()
    {
        var created = ManagedFieldsUpdater.OnUpdate(null, Config("""{"ports":[{"port":80}]}"""), "m", null, "example.com/v1", T0, Widget);
        // spec was absent before (no zero value is assumed for custom resources), so it is marked with ".".
        Assert.Equal("""{"f:spec":{".":{},"f:ports":{".":{},"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{}}}}}""", Single(created, "m").Fields);
        Assert.Null(created["spec"]!["size"]);
    }

    [Fact]
    public void ApplyMergesSetsAndMapListsOfCustomResources()
    {
        var created = Stored(ServerSideApply.Apply(null, Config("""{"ports":[{"port":80,"name":"http"}],"tags":["a"]}"""), "x", false, "example.com/v1", T0, Widget));
        var merged = ServerSideApply.Apply(created, Config("""{"ports":[{"port":443,"name":"https"}],"tags":["b"],"args":["y"]}"""), "y", false, "example.com/v1", At(1), Widget);
        Assert.Equal("""{"ports":[{"port":80,"name":"http"},{"port":443,"name":"https"}],"tags":["a","b"],"args":["y"]}""", merged["spec"]!.ToJsonString());
    }
}
