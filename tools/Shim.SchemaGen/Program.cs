using System.Text;
using Shim.SchemaGen;

// Usage: Shim.SchemaGen [--schema DIR] [--out DIR] [--check]
//   --schema  the schema data (default: <repo>/openapi/schema)
//   --out     where the C# goes (default: <repo>/src/Shim.Model/Generated)
//   --check   write nothing; exit 1 and list the files that differ from what would be generated
string? schemaDir = null, outDir = null;
var check = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--schema" when i + 1 < args.Length: schemaDir = args[++i]; break;
        case "--out" when i + 1 < args.Length: outDir = args[++i]; break;
        case "--check": check = true; break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'. Usage: Shim.SchemaGen [--schema DIR] [--out DIR] [--check]");
            return 2;
    }
}

if (schemaDir is null || outDir is null)
{
    var root = RepoRoot.Find() ?? throw new InvalidOperationException("run inside the repository or pass --schema and --out");
    schemaDir ??= Path.Combine(root, "openapi", "schema");
    outDir ??= Path.Combine(root, "src", "Shim.Model", "Generated");
}

var files = ModelGenerator.Generate(schemaDir);
var differing = OutputDirectory.Compare(outDir, files);
if (check)
{
    foreach (var name in differing)
        Console.Error.WriteLine($"out of date: {Path.Combine(outDir, name)}");
    Console.WriteLine(differing.Count == 0 ? $"{files.Count} generated files are current" : $"{differing.Count} generated files differ");
    return differing.Count == 0 ? 0 : 1;
}

OutputDirectory.Write(outDir, files);
Console.WriteLine($"{files.Count} files in {outDir} ({differing.Count} changed)");
return 0;

internal static class RepoRoot
{
    public static string? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Shim.sln")))
                    return dir.FullName;
            }
        }
        return null;
    }
}

public static class OutputDirectory
{
    private static readonly UTF8Encoding Utf8NoBom = new(false);

    /// <summary>Names of generated files that are missing, different, or stale (present but no longer generated).</summary>
    public static List<string> Compare(string dir, IReadOnlyDictionary<string, string> files)
    {
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(dir, name);
            if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(Utf8NoBom.GetBytes(content)))
                result.Add(name);
        }
        if (Directory.Exists(dir))
        {
            foreach (var path in Directory.GetFiles(dir, "*.g.cs"))
            {
                if (!files.ContainsKey(Path.GetFileName(path)))
                    result.Add(Path.GetFileName(path));
            }
        }
        return [.. result];
    }

    public static void Write(string dir, IReadOnlyDictionary<string, string> files)
    {
        Directory.CreateDirectory(dir);
        foreach (var path in Directory.GetFiles(dir, "*.g.cs"))
        {
            if (!files.ContainsKey(Path.GetFileName(path)))
                File.Delete(path);
        }
        foreach (var (name, content) in files)
            File.WriteAllBytes(Path.Combine(dir, name), Utf8NoBom.GetBytes(content));
    }
}
