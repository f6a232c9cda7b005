using System.Text.Json.Nodes;

namespace Shim.Api.Hosting;

/// <summary>The Kubernetes version this server speaks, as /version reports it (kubectl parses gitVersion as semver).</summary>
public static class ServerVersion
{
    public const string Major = "1";
    public const string Minor = "34";
    public const string GitVersion = "v1.34.0+shim";

    public static JsonObject Document() => new()
    {
        ["major"] = Major,
        ["minor"] = Minor,
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-11-22T00:00:00Z",
        ["goVersion"] = "go1.24.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };
}
