using System.Runtime.CompilerServices;

namespace Shim.Model.Tests;

/// <summary>Paths in the source tree (found from this file's compile-time path, so any artifacts layout works).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string SchemaDir => Path.Combine(Root, "openapi", "schema");

    public static string GeneratedDir => Path.Combine(Root, "src", "Shim.Model", "Generated");

    public static string ModelFixtures => Path.Combine(Root, "tests", "Shim.Model.Tests", "Fixtures");

    public static string KubectlFixtures => Path.Combine(Root, "tests", "Shim.Api.Tests", "Protobuf", "Fixtures");

    private static string FindRoot([CallerFilePath] string thisFile = "")
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(thisFile)!); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Shim.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("repository root (Shim.sln) not found above " + thisFile);
    }
}
