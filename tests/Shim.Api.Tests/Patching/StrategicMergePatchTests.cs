using System.Text.Json.Nodes;
using Shim.Api.Errors;
using Shim.Api.Patching;
using Shim.Api.Schema;
using Xunit;

namespace Shim.Api.Tests.Patching;

/// <summary>Strategic merge patch cases written from the documented semantics, against the real Pod/Deployment schemas.</summary>
public sealed class StrategicMergePatchTests
{
    private static readonly SchemaNode Pod = SchemaRegistry.Instance.ForKind("", "v1", "Pod")!;
    private static readonly SchemaNode Deployment = SchemaRegistry.Instance.ForKind("apps", "v1", "Deployment")!;

    public static TheoryData<string, string, string, string> Cases => new()
    {
        {
            "maps merge, null deletes",
            """{"metadata":{"labels":{"a":"1","b":"2"}}}""",
            """{"metadata":{"labels":{"b":null,"c":"3"}}}""",
            """{"metadata":{"labels":{"a":"1","c":"3"}}}"""
        },
        {
            "containers merge by name, order kept, new ones appended",
            """{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"2"}]}}""",
            """{"spec":{"containers":[{"name":"b","image":"3"},{"name":"c","image":"4"}]}}""",
            """{"spec":{"containers":[{"name":"a","image":"1"},{"name":"b","image":"3"},{"name":"c","image":"4"}]}}"""
        },
        {
            "nested list in a merged element merges by its own key",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"9"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"9"}]}]}}"""
        },
        {
            "$patch: delete removes an element by key",
            """{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""",
            """{"spec":{"containers":[{"name":"a","$patch":"delete"}]}}""",
            """{"spec":{"containers":[{"name":"b"}]}}"""
        },
        {
            "$patch: replace on a list replaces it",
            """{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""",
            """{"spec":{"containers":[{"name":"z"},{"$patch":"replace"}]}}""",
            """{"spec":{"containers":[{"name":"z"}]}}"""
        },
        {
            "$patch: replace on a map replaces it",
            """{"metadata":{"labels":{"a":"1"}},"spec":{"nodeSelector":{"x":"1","y":"2"}}}""",
            """{"spec":{"nodeSelector":{"z":"3","$patch":"replace"}}}""",
            """{"metadata":{"labels":{"a":"1"}},"spec":{"nodeSelector":{"z":"3"}}}"""
        },
        {
            "$patch: delete on a map removes it",
            """{"spec":{"nodeSelector":{"x":"1"},"hostname":"h"}}""",
            """{"spec":{"nodeSelector":{"$patch":"delete"}}}""",
            """{"spec":{"hostname":"h"}}"""
        },
        {
            "atomic (replace) lists are replaced: args",
            """{"spec":{"containers":[{"name":"a","args":["1","2"]}]}}""",
            """{"spec":{"containers":[{"name":"a","args":["3"]}]}}""",
            """{"spec":{"containers":[{"name":"a","args":["3"]}]}}"""
        },
        {
            "merged primitive list is a set: finalizers",
            """{"metadata":{"finalizers":["a","b"]}}""",
            """{"metadata":{"finalizers":["b","c"]}}""",
            """{"metadata":{"finalizers":["a","b","c"]}}"""
        },
        {
            "$deleteFromPrimitiveList removes values",
            """{"metadata":{"finalizers":["a","b","c"]}}""",
            """{"metadata":{"$deleteFromPrimitiveList/finalizers":["b"]}}""",
            """{"metadata":{"finalizers":["a","c"]}}"""
        },
        {
            "$setElementOrder orders merged elements",
            """{"spec":{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}}""",
            """{"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"a"},{"name":"b"}],"containers":[{"name":"c","image":"x"}]}}""",
            """{"spec":{"containers":[{"name":"c","image":"x"},{"name":"a"},{"name":"b"}]}}"""
        },
        {
            "$retainKeys drops keys not listed: volume source union",
            """{"spec":{"volumes":[{"name":"v","emptyDir":{}}]}}""",
            """{"spec":{"volumes":[{"name":"v","hostPath":{"path":"/x"},"$retainKeys":["name","hostPath"]}]}}""",
            """{"spec":{"volumes":[{"name":"v","hostPath":{"path":"/x"}}]}}"""
        },
        {
            "ports merge by containerPort",
            """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":443,"name":"https"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http"},{"containerPort":443,"name":"https"}]}]}}"""
        },
        {
            "creating a list where none was",
            """{"spec":{}}""",
            """{"spec":{"tolerations":[{"key":"k","operator":"Exists"}]}}""",
            """{"spec":{"tolerations":[{"key":"k","operator":"Exists"}]}}"""
        },
        {
            "directives are never stored",
            """{}""",
            """{"spec":{"containers":[{"name":"a","$patch":"merge"}]}}""",
            """{"spec":{"containers":[{"name":"a"}]}}"""
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PodPatches(string name, string original, string patch, string expected)
    {
        var result = StrategicMergePatch.Apply(JsonNode.Parse(original)!.AsObject(), JsonNode.Parse(patch)!.AsObject(), Pod);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), $"{name}: got {result.ToJsonString()}");
    }

    [Fact]
    public void DeploymentTemplateContainersMergeThroughTheTemplate()
    {
        var original = JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"1"}]}}}}""")!.AsObject();
        var patch = JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"2"}]}}}}""")!.AsObject();
        var result = StrategicMergePatch.Apply(original, patch, Deployment);
        Assert.Equal(2, result["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Count);
    }

    [Fact]
    public void OriginalIsNotModified()
    {
        var original = JsonNode.Parse("""{"metadata":{"labels":{"a":"1"}}}""")!.AsObject();
        StrategicMergePatch.Apply(original, JsonNode.Parse("""{"metadata":{"labels":{"a":null}}}""")!.AsObject(), Pod);
        Assert.Equal("""{"metadata":{"labels":{"a":"1"}}}""", original.ToJsonString());
    }

    [Theory]
    [InlineData("""{"spec":{"containers":[{"image":"no-name"}]}}""")]
    [InlineData("""{"spec":{"$patch":"explode"}}""")]
    [InlineData("""{"spec":{"containers":["not-an-object"]}}""")]
    public void BadPatchesAre422(string patch)
    {
        var error = Assert.Throws<ApiException>(() => StrategicMergePatch.Apply(
            JsonNode.Parse("""{"spec":{"containers":[{"name":"a"}]}}""")!.AsObject(), JsonNode.Parse(patch)!.AsObject(), Pod));
        Assert.Equal(422, error.Code);
    }
}
