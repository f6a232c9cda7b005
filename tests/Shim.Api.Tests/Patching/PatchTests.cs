using System.Text.Json.Nodes;
using Shim.Api.Errors;
using Shim.Api.Patching;
using Xunit;

namespace Shim.Api.Tests.Patching;

public sealed class PatchTests
{
    private static JsonNode Doc() => JsonNode.Parse("""{"a":{"b":1,"c":[1,2,3]},"d":"x"}""")!;

    [Fact]
    public void MergePatchMergesObjectsDeletesNullsReplacesArrays()
    {
        var result = MergePatch.Apply(Doc(), JsonNode.Parse("""{"a":{"b":null,"c":[9],"e":true},"d":null}"""));
        Assert.Equal("""{"a":{"c":[9],"e":true}}""", result!.ToJsonString());
    }

    [Fact]
    public void JsonPatchAppliesEveryOperation()
    {
        var patch = JsonNode.Parse("""
            [{"op":"add","path":"/a/c/1","value":7},{"op":"remove","path":"/a/b"},{"op":"replace","path":"/d","value":"y"},
             {"op":"copy","from":"/d","path":"/e"},{"op":"move","from":"/e","path":"/f"},{"op":"test","path":"/f","value":"y"},
             {"op":"add","path":"/a/c/-","value":4},{"op":"add","path":"/g~1h","value":0}]
            """);
        var result = JsonPatch.Apply(Doc(), patch);
        Assert.Equal("""{"a":{"c":[1,7,2,3,4]},"d":"y","f":"y","g/h":0}""", result.ToJsonString());
    }

    [Fact]
    public void FailedTestLeavesTheDocumentUntouched()
    {
        var doc = Doc();
        var error = Assert.Throws<ApiException>(() => JsonPatch.Apply(doc, JsonNode.Parse("""[{"op":"test","path":"/d","value":"no"}]""")));
        Assert.Equal(422, error.Code);
        Assert.Equal("""{"a":{"b":1,"c":[1,2,3]},"d":"x"}""", doc.ToJsonString());
    }

    [Theory]
    [InlineData("""{"op":"add"}""")]
    [InlineData("""[{"op":"remove","path":"/missing"}]""")]
    [InlineData("""[{"op":"frobnicate","path":"/d"}]""")]
    [InlineData("""[{"op":"add","path":"/a/c/9","value":1}]""")]
    public void BadPatchesAreClientErrors(string patch)
    {
        var error = Assert.Throws<ApiException>(() => JsonPatch.Apply(Doc(), JsonNode.Parse(patch)));
        Assert.InRange(error.Code, 400, 422);
    }
}
