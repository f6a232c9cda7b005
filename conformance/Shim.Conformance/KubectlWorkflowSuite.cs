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

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task ServerSideApplyTracksOwnersAndRefusesConflicts(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        Assert.Contains("serverside-applied", await cluster.OkWithInputAsync(kubectl, Deployment, "-n", ns, "apply", "--server-side", "-f", "-"));
        // The deployment controller's own entries (status, revision annotation) may be there too.
        var managers = await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy", "web", "--show-managed-fields", "-o", "jsonpath={.metadata.managedFields[?(@.manager==\"kubectl\")].operation}");
        Assert.Equal("Apply", managers);

        // Another manager takes spec.replicas through /scale; re-applying a different value conflicts, force takes it back.
        await cluster.OkAsync(kubectl, "-n", ns, "scale", "deploy", "web", "--replicas=4");
        var conflict = await cluster.KubectlInAsync(kubectl, Deployment, "-n", ns, "apply", "--server-side", "-f", "-");
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("conflict", conflict.Output);
        Assert.Contains(".spec.replicas", conflict.Output);
        await cluster.OkWithInputAsync(kubectl, Deployment, "-n", ns, "apply", "--server-side", "--force-conflicts", "-f", "-");
        Assert.Equal("2", await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"));

        // Dropping a container from the applied configuration removes it: nobody else owns it.
        var oneContainer = Deployment[..Deployment.IndexOf("      - name: log", StringComparison.Ordinal)];
        await cluster.OkWithInputAsync(kubectl, oneContainer, "-n", ns, "apply", "--server-side", "-f", "-");
        Assert.Equal("web", await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].name}"));
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task DefaultsAreVisibleAndValidationNamesTheField(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        var dry = JsonNode.Parse(await cluster.OkWithInputAsync(kubectl, Deployment, "-n", ns, "create", "-f", "-", "--dry-run=server", "-o", "json"))!;
        Assert.Equal("RollingUpdate", dry["spec"]!["strategy"]!["type"]!.ToString());
        Assert.Equal("25%", dry["spec"]!["strategy"]!["rollingUpdate"]!["maxSurge"]!.ToString());
        Assert.Equal(10, (int)dry["spec"]!["revisionHistoryLimit"]!);
        var pod = dry["spec"]!["template"]!["spec"]!;
        Assert.Equal("Always", pod["restartPolicy"]!.ToString());
        Assert.Equal("ClusterFirst", pod["dnsPolicy"]!.ToString());
        Assert.Equal("IfNotPresent", pod["containers"]![0]!["imagePullPolicy"]!.ToString());
        Assert.Equal("TCP", pod["containers"]![0]!["ports"]![0]!["protocol"]!.ToString());
        Assert.Contains("NotFound", (await cluster.KubectlAsync(kubectl, "-n", ns, "get", "deploy", "web")).Output);

        var mismatched = Deployment.Replace("      labels: {app: web}\n    spec:", "      labels: {app: other}\n    spec:", StringComparison.Ordinal);
        var invalid = await cluster.KubectlInAsync(kubectl, mismatched, "-n", ns, "create", "-f", "-");
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains("spec.template.metadata.labels", invalid.Output);
        var noImage = Deployment.Replace("image: busybox:1.36", "image: \"\"", StringComparison.Ordinal);
        var missingImage = await cluster.KubectlInAsync(kubectl, noImage, "-n", ns, "create", "-f", "-");
        Assert.NotEqual(0, missingImage.ExitCode);
        Assert.Contains("spec.template.spec.containers[1].image: Required value", missingImage.Output);
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task DiffEditPruneAndSetResources(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        var labelled = Deployment.Replace("  name: web\n", "  name: web\n  labels: {set: a}\n", StringComparison.Ordinal);
        await cluster.OkWithInputAsync(kubectl, labelled, "-n", ns, "apply", "-f", "-");
        Assert.Equal(0, (await cluster.KubectlInAsync(kubectl, labelled, "-n", ns, "diff", "-f", "-")).ExitCode);
        var changed = await cluster.KubectlInAsync(kubectl, labelled.Replace("nginx:1.25", "nginx:1.29", StringComparison.Ordinal), "-n", ns, "diff", "-f", "-");
        Assert.Equal(1, changed.ExitCode);
        Assert.Matches(@"(?m)^\+\s+(- )?image: nginx:1.29$", changed.Stdout);
        Assert.Equal("nginx:1.25", await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"));

        var edit = await cluster.KubectlWithEnvAsync(kubectl, null, new Dictionary<string, string> { ["KUBE_EDITOR"] = "sed -i s/nginx:1.25/nginx:1.28/" },
            "-n", ns, "edit", "deploy", "web");
        Assert.True(edit.ExitCode == 0, edit.Output);
        Assert.Equal("nginx:1.28", await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"));

        await cluster.OkAsync(kubectl, "-n", ns, "set", "resources", "deploy/web", "-c", "web", "--limits=cpu=200m,memory=64Mi", "--requests=cpu=100m");
        Assert.Equal("200m 100m", await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].resources.limits.cpu} {.spec.template.spec.containers[0].resources.requests.cpu}"));

        // A second applied object with the same label is pruned when it leaves the manifest set.
        var other = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"extra","labels":{"set":"a"}}}""";
        await cluster.OkWithInputAsync(kubectl, other, "-n", ns, "apply", "-f", "-");
        var pruned = await cluster.OkWithInputAsync(kubectl, labelled, "-n", ns, "apply", "--prune", "-l", "set=a", "--prune-allowlist=core/v1/ConfigMap", "--prune-allowlist=apps/v1/Deployment", "-f", "-");
        Assert.Contains("configmap/extra pruned", pruned);
        Assert.Contains("NotFound", (await cluster.KubectlAsync(kubectl, "-n", ns, "get", "cm", "extra")).Output);
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
