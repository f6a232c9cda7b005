namespace Shim.Agent.Tests.Pods;

/// <summary>The resolv.conf pods read, per dnsPolicy, on the real dockerd.</summary>
[Collection(DockerPodsCollection.Name)]
public sealed class PodDnsDockerTests(DockerPodsFixture fixture)
{
    [Fact]
    public async Task ClusterFirst_pods_read_the_cluster_nameserver_search_path_and_ndots()
    {
        var resolvConf = await ResolvConfAsync("first", """{"containers":[{"name":"app","image":"shim/busybox:1.35","command":["sleep","3600"]}]}""");

        Assert.Equal("nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5", resolvConf);
    }

    [Fact]
    public async Task None_takes_dnsConfig_only()
    {
        var resolvConf = await ResolvConfAsync("none", """
            {"dnsPolicy":"None","dnsConfig":{"nameservers":["10.77.0.53"],"searches":["example.test"],"options":[{"name":"ndots","value":"2"},{"name":"edns0"}]},
             "containers":[{"name":"app","image":"shim/busybox:1.35","command":["sleep","3600"]}]}
            """);

        Assert.Equal("nameserver 10.77.0.53\nsearch example.test\noptions ndots:2 edns0", resolvConf);
    }

    [Fact]
    public async Task Default_keeps_the_nodes_resolver()
    {
        var resolvConf = await ResolvConfAsync("default-policy", """{"dnsPolicy":"Default","containers":[{"name":"app","image":"shim/busybox:1.35","command":["sleep","3600"]}]}""");

        Assert.DoesNotContain("10.96.0.10", resolvConf, StringComparison.Ordinal);
        Assert.DoesNotContain("svc.cluster.local", resolvConf, StringComparison.Ordinal);
    }

    private async Task<string> ResolvConfAsync(string name, string spec)
    {
        await using var harness = new PodRuntimeHarness(fixture);
        harness.Options = harness.Options with { ClusterDns = ["10.96.0.10"] };
        var manager = await harness.StartManagerAsync();
        var pod = PodJson.Create(name, spec);
        manager.Upsert(pod);
        await harness.WaitForStatusAsync(pod, s => s.Phase == "Running");
        var app = (await harness.ContainersAsync(pod)).Single(c => PodRuntimeHarness.NameOf(c).StartsWith("k8s_app_", StringComparison.Ordinal));
        return await PodRuntimeHarness.ExecAsync(app["Id"]!.GetValue<string>(), "cat", "/etc/resolv.conf");
    }
}
