using System.Text.Json.Nodes;

namespace Shim.Api.Tests.Protobuf;

/// <summary>
/// Request bodies captured from real kubectl binaries through a logging proxy in front of the shim:
/// `NAME.kubectl132.bin` / `NAME.kubectl135.bin` are the protobuf bodies of kubectl 1.32.4 / 1.35.2,
/// `NAME.kubectl131.json` is what kubectl 1.31.9 sent as JSON for the same command (the oracle).
/// </summary>
internal static class Fixture
{
    private static string Directory => Path.Combine(AppContext.BaseDirectory, "Protobuf", "Fixtures");

    public static byte[] Bytes(string fileName) => File.ReadAllBytes(Path.Combine(Directory, fileName));

    public static JsonObject Json(string fileName) => JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, fileName)))!.AsObject();

    /// <summary>Names that have a 1.31 JSON oracle plus 1.32 and 1.35 protobuf bodies.</summary>
    public static IEnumerable<string> ComparableNames() =>
        System.IO.Directory.GetFiles(Directory, "*.kubectl131.json")
            .Select(p => Path.GetFileName(p)[..^".kubectl131.json".Length])
            .Order(StringComparer.Ordinal);
}
