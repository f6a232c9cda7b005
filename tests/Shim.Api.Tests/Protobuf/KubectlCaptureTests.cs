using System.Text.Json.Nodes;
using Shim.Api.Errors;
using Shim.Api.Protobuf;
using Xunit;

namespace Shim.Api.Tests.Protobuf;

/// <summary>
/// Differential check: decoding what kubectl 1.32/1.35 send as protobuf must give the JSON that kubectl 1.31
/// sent for the same command (same Go objects, encoded by encoding/json), property order included.
/// </summary>
public sealed class KubectlCaptureTests
{
    // Served by this schema only at v1; kubectl tries these after a 404 from v1.
    private static readonly HashSet<string> UnsupportedVersions = ["selfsubjectreview-v1beta1", "selfsubjectreview-v1alpha1"];

    public static TheoryData<string, string> Captures()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Fixture.ComparableNames())
        {
            data.Add(name, "kubectl132");
            data.Add(name, "kubectl135");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void DecodesLikeKubectl131Json(string name, string client)
    {
        var body = Fixture.Bytes($"{name}.{client}.bin");
        if (UnsupportedVersions.Contains(name))
        {
            var e = Assert.Throws<ApiException>(() => ProtobufBody.Decode(body));
            Assert.Equal(400, e.Code);
            return;
        }

        var expected = Fixture.Json($"{name}.kubectl131.json");
        DropNullCreationTimestamps(expected);
        var actual = ProtobufBody.Decode(body);
        Assert.Equal(expected.ToJsonString(), actual.ToJsonString());
    }

    [Fact]
    public void EveryCaptureIsCovered()
    {
        // 29 + 11 commands were captured; keep the fixture set from silently shrinking.
        Assert.Equal(40, Fixture.ComparableNames().Count());
    }

    /// <summary>
    /// kubectl 1.31's apimachinery had `creationTimestamp,omitempty` (zero Time → null); since v0.35 the tag adds
    /// omitzero, so the generated schema (v0.36) omits it, as kubectl 1.35's own JSON does.
    /// </summary>
    private static void DropNullCreationTimestamps(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o.TryGetPropertyValue("creationTimestamp", out var ts) && ts is null)
                {
                    o.Remove("creationTimestamp");
                }

                foreach (var (_, child) in o.ToList())
                {
                    DropNullCreationTimestamps(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    DropNullCreationTimestamps(child);
                }

                break;
        }
    }
}
