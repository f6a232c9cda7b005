using System.Text.Json.Nodes;
using Shim.Agent.Pods;

namespace Shim.Agent.Tests.Pods;

public sealed class ContainerConfigTests
{
    private static readonly PodRuntimeOptions Options = new()
    {
        NodeName = "n1",
        NodeIp = "10.0.0.5",
        PodsRoot = "/tmp/pods",
        NetworkName = "podnet",
        ClusterDns = ["10.96.0.10"],
    };

    [Fact]
    public void ResourcesMapAsCriDockerdDoes()
    {
        var pod = PodJson.Create("web", """
            {"containers":[{"name":"app","image":"busybox","resources":{"requests":{"cpu":"250m","memory":"64Mi"},"limits":{"cpu":"500m","memory":"128Mi"}}}]}
            """);
        var host = Build(pod)["HostConfig"]!;
        Assert.Equal(256, host["CpuShares"]!.GetValue<long>());
        Assert.Equal(100_000, host["CpuPeriod"]!.GetValue<long>());
        Assert.Equal(50_000, host["CpuQuota"]!.GetValue<long>());
        Assert.Equal(134_217_728, host["Memory"]!.GetValue<long>());
        Assert.Equal(2, ContainerResources.CpuShares(1));
        Assert.Equal(1000, ContainerResources.CpuQuota(1));
    }

    [Fact]
    public void SecurityContextMergesPodAndContainer()
    {
        var pod = PodJson.Create("web", """
            {"securityContext":{"runAsUser":1000,"runAsGroup":2000,"supplementalGroups":[5],"fsGroup":7},
             "containers":[{"name":"app","image":"busybox","securityContext":{"runAsUser":1001,"privileged":true,
               "capabilities":{"add":["NET_ADMIN"],"drop":["ALL"]},"readOnlyRootFilesystem":true,"allowPrivilegeEscalation":false}}]}
            """);
        var config = Build(pod);
        var host = config["HostConfig"]!;
        Assert.Equal("1001:2000", config["User"]!.GetValue<string>());
        Assert.Equal(["5", "7"], host["GroupAdd"]!.AsArray().Select(g => g!.GetValue<string>()));
        Assert.True(host["Privileged"]!.GetValue<bool>());
        Assert.Equal("CAP_NET_ADMIN", host["CapAdd"]![0]!.GetValue<string>());
        Assert.Equal("ALL", host["CapDrop"]![0]!.GetValue<string>());
        Assert.True(host["ReadonlyRootfs"]!.GetValue<bool>());
        Assert.Equal("no-new-privileges", host["SecurityOpt"]![0]!.GetValue<string>());
    }

    [Fact]
    public void AppContainerJoinsSandboxWithLabelsCommandAndTerminationLog()
    {
        var pod = PodJson.Create("web", """
            {"shareProcessNamespace":true,"containers":[{"name":"app","image":"busybox","command":["sh","-c"],"args":["echo hi"],
              "workingDir":"/w","tty":true,"stdin":true,"stdinOnce":true}]}
            """);
        var config = Build(pod);
        var host = config["HostConfig"]!;
        Assert.Equal("container:sb1", host["NetworkMode"]!.GetValue<string>());
        Assert.Equal("container:sb1", host["IpcMode"]!.GetValue<string>());
        Assert.Equal("container:sb1", host["PidMode"]!.GetValue<string>());
        Assert.Equal(["sh", "-c"], config["Entrypoint"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["echo hi"], config["Cmd"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("/w", config["WorkingDir"]!.GetValue<string>());
        Assert.True(config["Tty"]!.GetValue<bool>() && config["OpenStdin"]!.GetValue<bool>() && config["StdinOnce"]!.GetValue<bool>());
        var labels = config["Labels"]!;
        Assert.Equal("app", labels[ContainerLabels.ContainerName]!.GetValue<string>());
        Assert.Equal("sb1", labels[ContainerLabels.SandboxId]!.GetValue<string>());
        Assert.Equal("2", labels[ContainerLabels.RestartCount]!.GetValue<string>());
        Assert.Equal("n1", labels[ContainerLabels.Node]!.GetValue<string>());
        Assert.Contains(host["Mounts"]!.AsArray(), m => m!["Target"]!.GetValue<string>() == "/dev/termination-log" && m["Source"]!.GetValue<string>() == "/tmp/msg");
    }

    [Fact]
    public void SandboxGetsHostnameDnsAndNetwork()
    {
        var pod = PodJson.Create("web-0", """
            {"hostname":"h","subdomain":"svc1","dnsConfig":{"options":[{"name":"ndots","value":"2"}]},"containers":[{"name":"app","image":"busybox"}]}
            """, @namespace: "shop", metadataExtraJson: "\"labels\":{\"app\":\"web\"},\"annotations\":{\"a\":\"b\"}");
        var config = SandboxConfig.Build(pod, Options);
        var host = config["HostConfig"]!;
        Assert.Equal("h", config["Hostname"]!.GetValue<string>());
        Assert.Equal("svc1.shop.svc.cluster.local", config["Domainname"]!.GetValue<string>());
        Assert.Equal("podnet", host["NetworkMode"]!.GetValue<string>());
        Assert.Equal("shareable", host["IpcMode"]!.GetValue<string>());
        Assert.Equal(["10.96.0.10"], host["Dns"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"], host["DnsSearch"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["ndots:2"], host["DnsOptions"]!.AsArray().Select(a => a!.GetValue<string>()));
        var labels = config["Labels"]!;
        Assert.Equal("POD", labels[ContainerLabels.ContainerName]!.GetValue<string>());
        Assert.Equal("podsandbox", labels[ContainerLabels.DockerType]!.GetValue<string>());
        Assert.Equal("web", labels["app"]!.GetValue<string>());
        Assert.Equal("b", labels["annotation.a"]!.GetValue<string>());
    }

    [Fact]
    public void SandboxPublishesHostPortsUnlessOnTheHostNetwork()
    {
        const string Containers = """
            "containers":[
              {"name":"web","image":"busybox","ports":[{"containerPort":80,"hostPort":8080},{"containerPort":9000}]},
              {"name":"dns","image":"busybox","ports":[{"containerPort":53,"hostPort":5353,"protocol":"UDP","hostIP":"127.0.0.1"}]}]
            """;
        var config = SandboxConfig.Build(PodJson.Create("web", "{" + Containers + "}"), Options);

        Assert.Equal(["53/udp", "80/tcp"], config["ExposedPorts"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        var bindings = config["HostConfig"]!["PortBindings"]!;
        Assert.Equal("""[{"HostIp":"","HostPort":"8080"}]""", bindings["80/tcp"]!.ToJsonString());
        Assert.Equal("""[{"HostIp":"127.0.0.1","HostPort":"5353"}]""", bindings["53/udp"]!.ToJsonString());

        var onHost = SandboxConfig.Build(PodJson.Create("web", """{"hostNetwork":true,""" + Containers + "}"), Options);
        Assert.Null(onHost["ExposedPorts"]);
        Assert.Null(onHost["HostConfig"]!["PortBindings"]);
    }

    [Fact]
    public void HostNetworkSandboxUsesHostAndNodeResolverUnlessClusterFirstWithHostNet()
    {
        var pod = PodJson.Create("web", """{"hostNetwork":true,"containers":[{"name":"app","image":"busybox"}]}""");
        var host = SandboxConfig.Build(pod, Options)["HostConfig"]!;
        Assert.Equal("host", host["NetworkMode"]!.GetValue<string>());
        Assert.Null(host["Dns"]);
        var withHostNet = PodJson.Create("web", """{"hostNetwork":true,"dnsPolicy":"ClusterFirstWithHostNet","containers":[{"name":"app","image":"busybox"}]}""");
        Assert.NotNull(SandboxConfig.Build(withHostNet, Options)["HostConfig"]!["Dns"]);
    }

    private static JsonObject Build(Shim.Model.Core.V1.Pod pod) =>
        AppContainerConfig.Build(pod, pod.Spec!.Containers![0], 2, "sb1", Options, ["A=1"], pod.Spec.Containers[0].Command, pod.Spec.Containers[0].Args, [], "/tmp/msg");
}
