using System.Text.Json.Nodes;
using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>
/// A cluster on a lab of Docker hosts (conformance/lab.sh): a shim server on the lab bridge (10.77.0.1, no local
/// agent) and one `shim agent` per host, each in its own network namespace with its own dockerd. One lab per test
/// run (the bridge and namespaces have fixed names), shared by the "lab" collection.
/// </summary>
public sealed class LabCluster : Cluster
{
    public const int Hosts = 2;
    public const string PodCidr = "10.244.0.0/16";

    public LabCluster()
        : base(StartLab())
    {
        for (var n = 1; n <= Hosts; n++)
        {
            StartAgent(n);
        }

        WaitForNodesReady(TimeSpan.FromSeconds(90));
    }

    public static string LabScript => Path.Combine(AppContext.BaseDirectory, "lab.sh");

    public static string HostIp(int n) => $"10.77.0.{10 + n}";

    /// <summary>Runs `lab.sh ARGS` and fails on a non-zero exit.</summary>
    public static string Lab(params string[] args)
    {
        var result = ProcessRunner.RunAsync("bash", [LabScript, .. args], timeout: TimeSpan.FromMinutes(3)).GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"lab.sh {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.Output}");
        }

        return result.Stdout;
    }

    /// <summary>`docker ARGS` against host N's engine.</summary>
    public static Task<ProcessResult> DockerAsync(int host, params string[] args) =>
        ProcessRunner.RunAsync("docker", ["-H", $"unix:///run/shim-lab/h{host}/docker.sock", .. args], timeout: TimeSpan.FromSeconds(60));

    public void StartAgent(int n)
    {
        var kubeconfig = Path.Combine(Server.DataDir, $"node-h{n}.kubeconfig");
        if (!File.Exists(kubeconfig))
        {
            var issued = ProcessRunner.RunAsync("dotnet", [ShimDll, "kubeconfig", "--data-dir", Server.DataDir, "--node", $"h{n}"]).GetAwaiter().GetResult();
            if (issued.ExitCode != 0)
            {
                throw new InvalidOperationException($"shim kubeconfig --node h{n} failed:\n{issued.Output}");
            }

            File.WriteAllText(kubeconfig, issued.Stdout);
        }

        Lab("start-agent", n.ToString(System.Globalization.CultureInfo.InvariantCulture), kubeconfig, ShimDll);
    }

    public static void StopAgent(int n) => Lab("stop-agent", n.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static string AgentLog(int n)
    {
        var path = $"/run/shim-lab/h{n}/agent.log";
        return File.Exists(path) ? File.ReadAllText(path) : "(no agent log)";
    }

    /// <summary>The server's and agents' logs, for failure messages.</summary>
    public string Logs() => $"--- server ---\n{Tail(Server.Log)}\n" + string.Join("", Enumerable.Range(1, Hosts).Select(n => $"--- agent h{n} ---\n{Tail(AgentLog(n))}\n"));

    public void WaitForNodesReady(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            var result = KubectlAsync("1.32", "get", "nodes", "-o", "json").GetAwaiter().GetResult();
            last = result.Output;
            if (result.ExitCode == 0)
            {
                var items = JsonNode.Parse(result.Stdout)!["items"]!.AsArray();
                var ready = items.Count(n => n!["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true);
                if (ready == Hosts)
                {
                    return;
                }
            }

            Thread.Sleep(500);
        }

        throw new TimeoutException($"nodes not Ready after {timeout.TotalSeconds}s:\n{last}\n{Logs()}");
    }

    public override void Dispose()
    {
        base.Dispose();
        Lab("down");
    }

    private static string ShimDll => Path.Combine(AppContext.BaseDirectory, "shim.dll");

    private static string Tail(string log) => log.Length > 6000 ? log[^6000..] : log;

    private static ShimServer StartLab()
    {
        Lab("up", Hosts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Short failure timeouts so a dead host's pods move within a test: Unknown after 20 s of silence, evicted 15 s later.
        return new ShimServer("memory", "10.77.0.1", ["--disable-agent", "--cluster-cidr", PodCidr, "--node-monitor-grace-period", "20s", "--default-unreachable-toleration-seconds", "15"]);
    }
}

[CollectionDefinition("lab")]
public sealed class LabCollection : ICollectionFixture<LabCluster>;
