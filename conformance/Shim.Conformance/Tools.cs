namespace Shim.Conformance;

/// <summary>
/// The real clients the suite drives. kubectl 1.27 and 1.32 come with this machine; kubectl 1.35 and Helm 3 and 4 are
/// unpacked by scripts/install-deps.sh. A missing binary fails the tests that need it (never a silent skip).
/// </summary>
public static class Tools
{
    public static readonly string ToolsDir = Environment.GetEnvironmentVariable("SHIM_TOOLS_DIR") ?? "/opt/shim-tools";

    public static readonly IReadOnlyDictionary<string, string> Kubectl = new Dictionary<string, string>
    {
        ["1.27"] = "/usr/lib/google-cloud-sdk/bin/kubectl.1.27",
        ["1.32"] = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32",
        ["1.35"] = Path.Combine(ToolsDir, "kubectl-1.35"),
    };

    public static IEnumerable<object[]> KubectlVersions() => Kubectl.Keys.Select(v => new object[] { v });

    public static string KubectlPath(string version)
    {
        var path = Kubectl[version];
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"kubectl {version} not found at {path}; run scripts/install-deps.sh", path);
        }

        return path;
    }

    /// <summary>Helm 3 (3.17) or Helm 4 (4.1), unpacked by scripts/install-deps.sh.</summary>
    public static string HelmPath(int major)
    {
        var path = Path.Combine(ToolsDir, $"helm-{major}");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Helm {major} not found at {path}; run scripts/install-deps.sh", path);
    }

    public static string RedisServer => File.Exists("/usr/bin/redis-server")
        ? "/usr/bin/redis-server"
        : throw new FileNotFoundException("redis-server not found; run scripts/install-deps.sh (apt-get install -y redis-server)");
}
