using System.Text.Json.Nodes;
using Xunit;

namespace Shim.Conformance;

/// <summary>
/// Drives the real kubectl (1.27, 1.32, 1.35) through the API server foundation: discovery, CRUD, tables, selectors,
/// paging, patches, subresources, finalizers, namespaces, watch. Runs once per store.
/// </summary>
public abstract class KubectlSuite(Cluster cluster)
{
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
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
        """;

    private const string Pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p1
          labels: {app: web, tier: fe}
        spec:
          containers:
          - name: c
            image: busybox:1.36
        """;

    protected Cluster Cluster => cluster;

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task ApiResourcesListsBuiltInKindsWithShortNames(string kubectl)
    {
        var output = await cluster.OkAsync(kubectl, "api-resources");
        Assert.Matches(@"(?m)^pods\s+po\s+v1\s+true\s+Pod", output);
        Assert.Matches(@"(?m)^deployments\s+deploy\s+apps/v1\s+true\s+Deployment", output);
        Assert.Matches(@"(?m)^customresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io/v1\s+false\s+CustomResourceDefinition", output);
        Assert.Matches(@"(?m)^leases\s+coordination.k8s.io/v1\s+true\s+Lease", output);
        var apps = await cluster.OkAsync(kubectl, "api-resources", "--api-group=apps", "-o", "name");
        Assert.Equal(["controllerrevisions.apps", "daemonsets.apps", "deployments.apps", "replicasets.apps", "statefulsets.apps"],
            apps.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task VersionAndRawEndpoints(string kubectl)
    {
        var version = await cluster.OkAsync(kubectl, "version", "-o", "json");
        Assert.Equal("v1.34.0+shim", JsonNode.Parse(version)!["serverVersion"]!["gitVersion"]!.ToString());
        Assert.Equal("ok", await cluster.OkAsync(kubectl, "get", "--raw", "/readyz"));
        var api = JsonNode.Parse(await cluster.OkAsync(kubectl, "get", "--raw", "/api"))!;
        Assert.Equal("APIVersions", api["kind"]!.ToString());
        var groups = JsonNode.Parse(await cluster.OkAsync(kubectl, "get", "--raw", "/apis"))!;
        Assert.Contains(groups["groups"]!.AsArray(), g => g!["name"]!.ToString() == "rbac.authorization.k8s.io");
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task SystemNamespacesExistFromTheStart(string kubectl)
    {
        var output = await cluster.OkAsync(kubectl, "get", "namespaces", "-o", "name");
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Assert.Contains($"namespace/{ns}", output);
        }

        var forbidden = await cluster.KubectlAsync(kubectl, "delete", "namespace", "kube-system");
        Assert.NotEqual(0, forbidden.ExitCode);
        Assert.Contains("Forbidden", forbidden.Output);
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task CreateGetListDescribeWithServerSideTables(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        Assert.Contains("deployment.apps/web created", await cluster.OkWithInputAsync(kubectl, Deployment, "-n", ns, "create", "-f", "-"));
        Assert.Contains("pod/p1 created", await cluster.OkWithInputAsync(kubectl, Pod, "-n", ns, "create", "-f", "-"));

        var pods = await cluster.OkAsync(kubectl, "-n", ns, "get", "pods");
        Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n", pods);
        Assert.Matches(@"(?m)^p1\s+0/1\s+Pending\s+0\s+\d+s$", pods);
        var wide = await cluster.OkAsync(kubectl, "-n", ns, "get", "pods", "-o", "wide");
        Assert.Matches(@"^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\n", wide);
        var deployments = await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy");
        Assert.Matches(@"^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n", deployments);
        // The deployment controller creates the pods; with no node to run them none is available.
        Assert.Matches(@"(?m)^web\s+0/2\s+[02]\s+0\s+", deployments);

        var json = JsonNode.Parse(await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy", "web", "-o", "json"))!;
        var meta = json["metadata"]!;
        Assert.Matches("^[0-9a-f-]{36}$", meta["uid"]!.ToString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", meta["creationTimestamp"]!.ToString());
        Assert.Matches(@"^\d+$", meta["resourceVersion"]!.ToString());
        Assert.Equal(1, (int)meta["generation"]!);

        var describe = await cluster.OkAsync(kubectl, "-n", ns, "describe", "pod", "p1");
        Assert.Matches(@"(?m)^Name:\s+p1$", describe);
        Assert.Contains("busybox:1.36", describe);
        var all = await cluster.OkAsync(kubectl, "-n", ns, "get", "all");
        Assert.Contains("pod/p1", all);
        Assert.Contains("deployment.apps/web", all);
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task LabelAnnotateAndSelectors(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        foreach (var (name, labels) in new[] { ("a", "app=web,tier=fe"), ("b", "app=web,tier=be"), ("c", "app=db") })
        {
            await cluster.OkAsync(kubectl, "-n", ns, "create", "configmap", name, "--from-literal=k=v");
            await cluster.OkAsync(kubectl, "-n", ns, "label", "configmap", name, labels.Split(',')[0], labels.Split(',').ElementAtOrDefault(1) ?? "none=x");
        }

        // kubectl 1.27 prints "annotate" here, later versions "annotated".
        Assert.Matches("^configmap/a annotated?$", await cluster.OkAsync(kubectl, "-n", ns, "annotate", "configmap", "a", "note=hello"));
        Assert.Equal("hello", await cluster.OkAsync(kubectl, "-n", ns, "get", "cm", "a", "-o", "jsonpath={.metadata.annotations.note}"));
        // The root CA bundle the controllers publish in every namespace has no labels, so negative selectors match it too.
        async Task<string[]> Names(string selector) =>
            (await cluster.OkAsync(kubectl, "-n", ns, "get", "cm", "-l", selector, "-o", "jsonpath={.items[*].metadata.name}"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(n => n != "kube-root-ca.crt").ToArray();
        Assert.Equal(["a", "b"], await Names("app=web"));
        Assert.Equal(["a", "b"], await Names("app==web"));
        Assert.Equal(["c"], await Names("app!=web"));
        Assert.Equal(["a", "c"], await Names("tier notin (be),app in (web,db)"));
        Assert.Equal(["a", "b"], await Names("tier"));
        Assert.Equal(["c"], await Names("!tier"));
        Assert.Equal(["b"], await Names("tier notin (fe),app=web"));

        var byName = await cluster.OkAsync(kubectl, "-n", ns, "get", "cm", "--field-selector", "metadata.name=b", "-o", "name");
        Assert.Equal("configmap/b", byName.Trim());
        var unsupported = await cluster.KubectlAsync(kubectl, "-n", ns, "get", "cm", "--field-selector", "data.k=v");
        Assert.NotEqual(0, unsupported.ExitCode);
        Assert.Contains("is not a known field selector", unsupported.Output);
        var badLabel = await cluster.KubectlAsync(kubectl, "-n", ns, "get", "cm", "-l", "app in web");
        Assert.NotEqual(0, badLabel.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task ScaleUpdatesReplicasAndGeneration(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        await cluster.OkWithInputAsync(kubectl, Deployment, "-n", ns, "create", "-f", "-");
        Assert.Contains("deployment.apps/web scaled", await cluster.OkAsync(kubectl, "-n", ns, "scale", "deploy", "web", "--replicas=5"));
        Assert.Equal("5 2", await cluster.OkAsync(kubectl, "-n", ns, "get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation}"));
        var stale = await cluster.KubectlAsync(kubectl, "-n", ns, "scale", "deploy", "web", "--replicas=3", "--current-replicas=4");
        Assert.NotEqual(0, stale.ExitCode);
        var scale = JsonNode.Parse(await cluster.OkAsync(kubectl, "get", "--raw", $"/apis/apps/v1/namespaces/{ns}/deployments/web/scale"))!;
        Assert.Equal("Scale", scale["kind"]!.ToString());
        Assert.Equal("app=web", scale["status"]!["selector"]!.ToString());
        Assert.Equal(5, (int)scale["spec"]!["replicas"]!);
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task ReplaceHonoursOptimisticConcurrency(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        await cluster.OkAsync(kubectl, "-n", ns, "create", "configmap", "cfg", "--from-literal=a=1");
        var current = JsonNode.Parse(await cluster.OkAsync(kubectl, "-n", ns, "get", "cm", "cfg", "-o", "json"))!;
        current["data"]!["a"] = "2";
        Assert.Contains("configmap/cfg replaced", await cluster.OkWithInputAsync(kubectl, current.ToJsonString(), "-n", ns, "replace", "-f", "-"));
        current["data"]!["a"] = "3";
        var conflict = await cluster.KubectlInAsync(kubectl, current.ToJsonString(), "-n", ns, "replace", "-f", "-");
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("the object has been modified", conflict.Output);
        Assert.Equal("2", await cluster.OkAsync(kubectl, "-n", ns, "get", "cm", "cfg", "-o", "jsonpath={.data.a}"));
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task JsonAndMergePatches(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        await cluster.OkAsync(kubectl, "-n", ns, "create", "configmap", "cfg", "--from-literal=a=1");
        await cluster.OkAsync(kubectl, "-n", ns, "patch", "cm", "cfg", "--type=merge", "-p", """{"data":{"b":"2","a":null}}""");
        await cluster.OkAsync(kubectl, "-n", ns, "patch", "cm", "cfg", "--type=json", "-p", """[{"op":"add","path":"/data/c","value":"3"},{"op":"test","path":"/data/b","value":"2"}]""");
        Assert.Equal("""{"b":"2","c":"3"}""", await cluster.OkAsync(kubectl, "-n", ns, "get", "cm", "cfg", "-o", "jsonpath={.data}"));
        var failedTest = await cluster.KubectlAsync(kubectl, "-n", ns, "patch", "cm", "cfg", "--type=json", "-p", """[{"op":"test","path":"/data/b","value":"9"},{"op":"remove","path":"/data/c"}]""");
        Assert.NotEqual(0, failedTest.ExitCode);
        Assert.Equal("""{"b":"2","c":"3"}""", await cluster.OkAsync(kubectl, "-n", ns, "get", "cm", "cfg", "-o", "jsonpath={.data}"));
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task StatusSubresourceIsSplitFromTheMainResource(string kubectl)
    {
        // A ResourceQuota: no controller of ours writes its status, so only this test does.
        var ns = await NamespaceAsync(kubectl);
        await cluster.OkAsync(kubectl, "-n", ns, "create", "quota", "q", "--hard=pods=2");
        await cluster.OkAsync(kubectl, "-n", ns, "patch", "quota", "q", "--type=merge", "-p", """{"status":{"hard":{"pods":"7"}}}""");
        Assert.Equal("", await cluster.OkAsync(kubectl, "-n", ns, "get", "quota", "q", "-o", "jsonpath={.status.hard.pods}"));
        await cluster.OkAsync(kubectl, "-n", ns, "patch", "quota", "q", "--subresource=status", "--type=merge", "-p", """{"status":{"hard":{"pods":"7"}},"spec":{"hard":{"pods":"9"}}}""");
        Assert.Equal("7 2", await cluster.OkAsync(kubectl, "-n", ns, "get", "quota", "q", "-o", "jsonpath={.status.hard.pods} {.spec.hard.pods}"));
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task DeleteWaitsForFinalizersAndDeleteBySelector(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        var held = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}""";
        await cluster.OkWithInputAsync(kubectl, held, "-n", ns, "create", "-f", "-");
        await cluster.OkAsync(kubectl, "-n", ns, "delete", "cm", "held", "--wait=false");
        Assert.NotEqual("", await cluster.OkAsync(kubectl, "-n", ns, "get", "cm", "held", "-o", "jsonpath={.metadata.deletionTimestamp}"));
        await cluster.OkAsync(kubectl, "-n", ns, "patch", "cm", "held", "--type=json", "-p", """[{"op":"remove","path":"/metadata/finalizers"}]""");
        var gone = await cluster.KubectlAsync(kubectl, "-n", ns, "get", "cm", "held");
        Assert.Contains("NotFound", gone.Output);

        for (var i = 0; i < 3; i++)
        {
            await cluster.OkAsync(kubectl, "-n", ns, "create", "configmap", $"doomed-{i}", "--from-literal=a=b");
            await cluster.OkAsync(kubectl, "-n", ns, "label", "configmap", $"doomed-{i}", "doomed=yes");
        }

        await cluster.OkAsync(kubectl, "-n", ns, "create", "configmap", "kept", "--from-literal=a=b");
        await cluster.OkAsync(kubectl, "-n", ns, "delete", "cm", "-l", "doomed=yes");
        Assert.Equal("configmap/kept", (await cluster.OkAsync(kubectl, "-n", ns, "get", "cm", "-o", "name")).Trim().Split('\n').Single(l => !l.Contains("kube-root")));
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task DeletingANamespaceRemovesEverythingInIt(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        await cluster.OkWithInputAsync(kubectl, Deployment, "-n", ns, "create", "-f", "-");
        await cluster.OkAsync(kubectl, "-n", ns, "create", "configmap", "cfg", "--from-literal=a=b");
        Assert.Contains("deleted", await cluster.OkAsync(kubectl, "delete", "namespace", ns, "--timeout=30s"));
        var gone = await cluster.KubectlAsync(kubectl, "get", "namespace", ns);
        Assert.Contains("NotFound", gone.Output);
        var missing = await cluster.KubectlAsync(kubectl, "-n", ns, "create", "configmap", "late", "--from-literal=a=b");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains($"namespaces \"{ns}\" not found", missing.Output);
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task PagingReturnsEveryObjectOnce(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        for (var i = 0; i < 7; i++)
        {
            await cluster.OkAsync(kubectl, "-n", ns, "create", "configmap", $"cm-{i}", "--from-literal=a=b");
        }

        var names = (await cluster.OkAsync(kubectl, "-n", ns, "get", "cm", "--chunk-size=2", "-o", "name"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(n => n.StartsWith("configmap/cm-", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"configmap/cm-{i}"), names);
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task DryRunAndGenerateName(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        await cluster.OkAsync(kubectl, "-n", ns, "create", "configmap", "dry", "--from-literal=a=b", "--dry-run=server");
        Assert.Contains("NotFound", (await cluster.KubectlAsync(kubectl, "-n", ns, "get", "cm", "dry")).Output);
        var generated = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"gen-"}}""";
        var created = await cluster.OkWithInputAsync(kubectl, generated, "-n", ns, "create", "-f", "-", "-o", "name");
        Assert.Matches(@"^configmap/gen-[bcdfghjklmnpqrstvwxz2456789]{5}\s*$", created);
        var invalid = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}}""";
        var rejected = await cluster.KubectlInAsync(kubectl, invalid, "-n", ns, "create", "-f", "-");
        Assert.NotEqual(0, rejected.ExitCode);
        Assert.Contains("is invalid: metadata.name: Invalid value: \"Bad_Name\"", rejected.Output);
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task WatchStreamsAddedModifiedDeleted(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        await cluster.OkAsync(kubectl, "-n", ns, "create", "configmap", "before", "--from-literal=a=b");
        var watch = cluster.KubectlAsync(kubectl, "-n", ns, "get", "cm", "-w", "--output-watch-events", "--request-timeout=8s");
        await Task.Delay(1500);
        await cluster.OkAsync(kubectl, "-n", ns, "create", "configmap", "during", "--from-literal=a=b");
        await cluster.OkAsync(kubectl, "-n", ns, "label", "configmap", "during", "x=y");
        await cluster.OkAsync(kubectl, "-n", ns, "delete", "configmap", "during");
        var output = (await watch).Stdout;
        Assert.Matches(@"(?m)^ADDED\s+before\s", output);
        Assert.Matches(@"(?m)^ADDED\s+during\s", output);
        Assert.Matches(@"(?m)^MODIFIED\s+during\s", output);
        Assert.Matches(@"(?m)^DELETED\s+during\s", output);
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task BoundPodsAreDeletedGracefullyUnboundAtOnce(string kubectl)
    {
        var ns = await NamespaceAsync(kubectl);
        // The node must exist: the node lifecycle controller deletes pods bound to nodes that do not.
        var node = "node-" + ns;
        await cluster.OkWithInputAsync(kubectl, $$$"""{"apiVersion":"v1","kind":"Node","metadata":{"name":"{{{node}}}"}}""", "create", "-f", "-");
        await cluster.OkWithInputAsync(kubectl, Pod, "-n", ns, "create", "-f", "-");
        var binding = $$$"""{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p1"},"target":{"apiVersion":"v1","kind":"Node","name":"{{{node}}}"}}""";
        await cluster.OkWithInputAsync(kubectl, binding, "create", "--raw", $"/api/v1/namespaces/{ns}/pods/p1/binding", "-f", "-");
        Assert.Equal($"{node} True", await cluster.OkAsync(kubectl, "-n", ns, "get", "pod", "p1", "-o", "jsonpath={.spec.nodeName} {.status.conditions[?(@.type==\"PodScheduled\")].status}"));
        var again = await cluster.KubectlInAsync(kubectl, binding, "create", "--raw", $"/api/v1/namespaces/{ns}/pods/p1/binding", "-f", "-");
        Assert.NotEqual(0, again.ExitCode);

        await cluster.OkAsync(kubectl, "-n", ns, "delete", "pod", "p1", "--wait=false");
        Assert.Contains("Terminating", await cluster.OkAsync(kubectl, "-n", ns, "get", "pod", "p1"));
        await cluster.OkAsync(kubectl, "-n", ns, "delete", "pod", "p1", "--grace-period=0", "--force");
        Assert.Contains("NotFound", (await cluster.KubectlAsync(kubectl, "-n", ns, "get", "pod", "p1")).Output);

        await cluster.OkWithInputAsync(kubectl, Pod, "-n", ns, "create", "-f", "-");
        await cluster.OkAsync(kubectl, "-n", ns, "delete", "pod", "p1", "--timeout=20s");
        Assert.Contains("NotFound", (await cluster.KubectlAsync(kubectl, "-n", ns, "get", "pod", "p1")).Output);
        await cluster.OkAsync(kubectl, "delete", "node", node);
    }

    private async Task<string> NamespaceAsync(string kubectl)
    {
        var ns = cluster.NewNamespaceName("k" + kubectl.Replace(".", "", StringComparison.Ordinal));
        var manifest = $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""";
        await cluster.OkWithInputAsync(kubectl, manifest, "create", "-f", "-");
        return ns;
    }
}

public sealed class KubectlOnEmbeddedStore(MemoryCluster cluster) : KubectlSuite(cluster), IClassFixture<MemoryCluster>;

public sealed class KubectlOnRedisStore(RedisCluster cluster) : KubectlSuite(cluster), IClassFixture<RedisCluster>;
