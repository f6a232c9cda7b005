using System.Globalization;
using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>
/// The chart `helm create` writes, installed with `helm install --wait` and checked with `helm test`, on Helm 3 and
/// Helm 4: a Deployment behind a Service (ClusterIP with Helm 3, LoadBalancer with Helm 4) whose test pod fetches the
/// service by its short DNS name with plain `busybox` (pulled through the lab's Docker Hub mirror).
/// </summary>
[Collection("lab")]
public sealed class HelmChartTests(LabCluster cluster)
{
    [Theory]
    [InlineData(3, "ClusterIP")]
    [InlineData(4, "LoadBalancer")]
    public async Task Created_chart_installs_with_wait_and_its_test_passes(int helm, string serviceType)
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, $"helm{helm}");
        var work = Directory.CreateTempSubdirectory("shim-helm-");
        try
        {
            var chart = Path.Combine(work.FullName, "demo");
            await HelmOkAsync(helm, work.FullName, "create", chart);
            var release = $"demo{helm}";
            await HelmOkAsync(helm, work.FullName, "install", release, chart, "-n", ns.Name, "--wait", "--timeout", "180s",
                "--set", "image.repository=shim/web", "--set", "image.tag=1", "--set", $"service.type={serviceType}");

            Assert.Equal("1", await ns.GetAsync($"deployment/{release}", "{.status.readyReplicas}"));
            Assert.True(LabManifests.IsServiceAddress(await ns.GetAsync($"service/{release}", "{.spec.clusterIP}")));
            if (serviceType == "LoadBalancer")
            {
                Assert.NotEmpty(await ns.GetAsync($"service/{release}", "{.status.loadBalancer.ingress[0].ip}"));
            }

            var test = await HelmOkAsync(helm, work.FullName, "test", release, "-n", ns.Name, "--timeout", "120s");
            Assert.Contains("Succeeded", test, StringComparison.Ordinal);
            Assert.Equal("Succeeded", await ns.GetAsync($"pod/{release}-test-connection", "{.status.phase}"));
            await HelmOkAsync(helm, work.FullName, "uninstall", release, "-n", ns.Name, "--wait");
            Assert.Equal("", await ns.OkAsync("get", "deployment,service", "-l", $"app.kubernetes.io/instance={release}", "-o", "name"));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private async Task<string> HelmOkAsync(int helm, string directory, params string[] args)
    {
        var env = new Dictionary<string, string>
        {
            ["KUBECONFIG"] = cluster.Server.Kubeconfig,
            ["HOME"] = directory,
            ["HELM_CACHE_HOME"] = Path.Combine(directory, ".cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(directory, ".config"),
            ["HELM_DATA_HOME"] = Path.Combine(directory, ".data"),
        };
        var result = await ProcessRunner.RunAsync(Tools.HelmPath(helm), args, env, timeout: TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException(string.Create(CultureInfo.InvariantCulture, $"helm {helm} {string.Join(' ', args)} failed ({result.ExitCode}):\n{result.Output}\n{cluster.Logs()}"));
        }

        return result.Stdout;
    }
}
