namespace Shim.Conformance;

/// <summary>One shim server (on the embedded store or on a Redis of its own) shared by a test class, plus kubectl to drive it.</summary>
public abstract class Cluster : IDisposable
{
    private int _namespaces;

    protected Cluster(string store)
        : this(new ShimServer(store))
    {
    }

    protected Cluster(ShimServer server)
    {
        Server = server;
        CacheDir = Directory.CreateTempSubdirectory("kubectl-cache-").FullName;
    }

    public ShimServer Server { get; }
    public string CacheDir { get; }

    /// <summary>A fresh namespace name for one test.</summary>
    public string NewNamespaceName(string stem) => $"{stem}-{Interlocked.Increment(ref _namespaces)}-{Guid.NewGuid().ToString("N")[..6]}";

    public Task<ProcessResult> KubectlAsync(string version, params string[] args) => KubectlInAsync(version, null, args);

    public Task<ProcessResult> KubectlInAsync(string version, string? stdin, params string[] args) =>
        KubectlWithEnvAsync(version, stdin, new Dictionary<string, string>(), args);

    public Task<ProcessResult> KubectlWithEnvAsync(string version, string? stdin, Dictionary<string, string> env, params string[] args)
    {
        env["KUBECONFIG"] = Server.Kubeconfig;
        env["HOME"] = CacheDir;
        return ProcessRunner.RunAsync(Tools.KubectlPath(version), args.Prepend($"--cache-dir={CacheDir}"), env, stdin, TimeSpan.FromSeconds(60));
    }

    /// <summary>Runs kubectl and fails the test with its output when it exits non-zero; returns stdout without the last newline.</summary>
    public Task<string> OkAsync(string version, params string[] args) => OkWithInputAsync(version, null, args);

    public async Task<string> OkWithInputAsync(string version, string? stdin, params string[] args)
    {
        var result = await KubectlInAsync(version, stdin, args);
        if (result.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"kubectl {version} {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.Output}");
        }

        return result.Stdout.TrimEnd('\n');
    }

    public virtual void Dispose()
    {
        Server.Dispose();
        Directory.Delete(CacheDir, recursive: true);
        GC.SuppressFinalize(this);
    }
}

public sealed class MemoryCluster() : Cluster("memory");

public sealed class RedisCluster : Cluster
{
    private readonly RedisServer _redis;

    public RedisCluster()
        : this(new RedisServer())
    {
    }

    private RedisCluster(RedisServer redis)
        : base(redis.Url("conformance"))
    {
        _redis = redis;
    }

    public override void Dispose()
    {
        base.Dispose();
        _redis.Dispose();
    }
}
