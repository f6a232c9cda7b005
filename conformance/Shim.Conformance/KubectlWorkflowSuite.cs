using System.Text.Json.Nodes;
using Xunit;

namespace Shim.Conformance;

/// <summary>
/// The kubectl workflows that depend on the schema: explain, client-side apply (strategic merge patch), set image,
/// rollout restart, default patches, and server-side field validation. Runs on kubectl 1.27, 1.32 and 1.35.
/// </summary>
public abstract class KubectlWorkflowSuite(Cluster cluster)
{
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx:1.25
                ports: [{containerPort: 80}]
              - name: log
                image: busybox:1.36
        """;

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task ExplainShowsFieldsOfEveryLevel(string kubectl)
    {
        var output = await cluster.OkAsync(kubectl, "explain", "deployment.spec.strategy");
        Assert.Matches(@"(?m)^KIND:\s+Deployment", output);
        Assert.Contains("rollingUpdate", output);
        var pod = await cluster.OkAsync(kubectl, "explain", "pod.spec.containers");
        Assert.Contains("resizePolicy", pod);
        Assert.Contains("startupProbe", pod);
        var missing = await cluster.KubectlAsync(kubectl, "explain", "pod.spec.nonsense");
        Assert.NotEqual(0, missing.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task ClientSideApplyMergesListsByKey(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        Assert.Contains("deployment.apps/web created", await cluster.OkWithInputAsync(kubectl, Deployment, "-n", ns, "apply", "-f", "-"));
        // Someone else adds an env var to the web container; a re-apply with a new image must keep it (merge by name).
        await cluster.OkAsync(kubectl, "-n", ns, "set", "env", "deploy/web", "-c", "web", "EXTRA=1");
        var changed = Deployment.Replace("nginx:1.25", "nginx:1.26", StringComparison.Ordinal);
        Assert.Contains("deployment.apps/web configured", await cluster.OkWithInputAsync(kubectl, changed, "-n", ns, "apply", "-f", "-"));
        Assert.Contains("unchanged", await cluster.OkWithInputAsync(kubectl, changed, "-n", ns, "apply", "-f", "-"));
        var json = JsonNode.Parse(await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy", "web", "-o", "json"))!;
        var containers = json["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["web", "log"], containers.Select(c => c!["name"]!.ToString()));
        Assert.Equal("nginx:1.26", containers[0]!["image"]!.ToString());
        Assert.Equal("EXTRA", containers[0]!["env"]![0]!["name"]!.ToString());

        // Removing a container from the manifest removes it from the object (three-way merge with $patch: delete).
        var oneContainer = changed[..changed.IndexOf("      - name: log", StringComparison.Ordinal)];
        await cluster.OkWithInputAsync(kubectl, oneContainer, "-n", ns, "apply", "-f", "-");
        Assert.Equal("web", await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].name}"));
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task SetImageRolloutRestartAndStrategicPatch(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        await cluster.OkWithInputAsync(kubectl, Deployment, "-n", ns, "create", "-f", "-");
        await cluster.OkAsync(kubectl, "-n", ns, "set", "image", "deploy/web", "log=busybox:1.37");
        await cluster.OkAsync(kubectl, "-n", ns, "rollout", "restart", "deploy/web");
        await cluster.OkAsync(kubectl, "-n", ns, "patch", "deploy", "web", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox:1.36"}]}}}}""");
        var json = JsonNode.Parse(await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy", "web", "-o", "json"))!;
        var template = json["spec"]!["template"]!;
        Assert.Equal(["web", "log", "side"], template["spec"]!["containers"]!.AsArray().Select(c => c!["name"]!.ToString()));
        Assert.Equal("busybox:1.37", template["spec"]!["containers"]![1]!["image"]!.ToString());
        Assert.NotNull(template["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]);
        await cluster.OkAsync(kubectl, "-n", ns, "patch", "deploy", "web", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}}""");
        Assert.Equal("web log", await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].name}"));
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task UnknownFieldsAreRefusedOrWarnedWithTheirPaths(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        var typo = Deployment.Replace("replicas: 2", "replcias: 2", StringComparison.Ordinal).Replace("image: nginx:1.25", "imagee: x\n        image: nginx:1.25", StringComparison.Ordinal);
        var strict = await cluster.KubectlInAsync(kubectl, typo, "-n", ns, "create", "-f", "-");
        Assert.NotEqual(0, strict.ExitCode);
        Assert.Contains("unknown field \"spec.replcias\"", strict.Output);
        Assert.Contains("unknown field \"spec.template.spec.containers[0].imagee\"", strict.Output);
        var warned = await cluster.KubectlInAsync(kubectl, typo, "-n", ns, "create", "-f", "-", "--validate=warn");
        Assert.Equal(0, warned.ExitCode);
        Assert.Contains("unknown field \"spec.replcias\"", warned.Stderr);
        Assert.Equal("", await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy", "web", "-o", "jsonpath={.spec.replcias}"));
    }

    private async Task<string> NamespaceAsync(string kubectl)
    {
        var ns = cluster.NewNamespaceName("w" + kubectl.Replace(".", "", StringComparison.Ordinal));
        await cluster.OkWithInputAsync(kubectl, $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""", "create", "-f", "-");
        return ns;
    }
}

public sealed class WorkflowsOnEmbeddedStore(MemoryCluster cluster) : KubectlWorkflowSuite(cluster), IClassFixture<MemoryCluster>;

public sealed class WorkflowsOnRedisStore(RedisCluster cluster) : KubectlWorkflowSuite(cluster), IClassFixture<RedisCluster>;
