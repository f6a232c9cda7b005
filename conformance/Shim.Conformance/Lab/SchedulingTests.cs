using System.Globalization;
using System.Text.Json.Nodes;
using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>
/// Nodes as the agents register them, and where the scheduler puts pods: nodeSelector, node affinity, taints and
/// tolerations, resources, host ports, pod anti-affinity, cordoning, and retrying unschedulable pods when nodes change.
/// </summary>
[Collection("lab")]
public sealed class SchedulingTests(LabCluster cluster)
{
    [Fact]
    public async Task Nodes_are_ready_with_capacity_addresses_runtime_and_labels()
    {
        var nodes = JsonNode.Parse(await cluster.OkAsync(LabNamespace.Kubectl, "get", "nodes", "-o", "json"))!["items"]!.AsArray();
        Assert.Equal(["h1", "h2"], nodes.Select(n => n!["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        foreach (var node in nodes.Select(n => n!))
        {
            var name = node["metadata"]!["name"]!.GetValue<string>();
            var host = int.Parse(name[1..], CultureInfo.InvariantCulture);
            var status = node["status"]!;
            Assert.Equal("True", status["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Ready")!["status"]!.GetValue<string>());

            var capacity = status["capacity"]!;
            Assert.True(int.Parse(capacity["cpu"]!.GetValue<string>(), CultureInfo.InvariantCulture) >= 1, $"cpu capacity of {name}: {capacity}");
            Assert.Matches(@"^\d+Ki$", capacity["memory"]!.GetValue<string>());
            Assert.Equal("110", capacity["pods"]!.GetValue<string>());
            Assert.Equal("110", status["allocatable"]!["pods"]!.GetValue<string>());
            Assert.NotNull(status["allocatable"]!["cpu"]);
            Assert.NotNull(status["allocatable"]!["memory"]);

            var addresses = status["addresses"]!.AsArray();
            Assert.Contains(addresses, a => a!["type"]!.GetValue<string>() == "InternalIP" && a["address"]!.GetValue<string>() == LabCluster.HostIp(host));
            Assert.Contains(addresses, a => a!["type"]!.GetValue<string>() == "Hostname" && a["address"]!.GetValue<string>() == name);

            Assert.StartsWith("docker://", status["nodeInfo"]!["containerRuntimeVersion"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("linux", status["nodeInfo"]!["operatingSystem"]!.GetValue<string>());
            var labels = node["metadata"]!["labels"]!;
            Assert.Equal(name, labels["kubernetes.io/hostname"]!.GetValue<string>());
            Assert.Equal("linux", labels["kubernetes.io/os"]!.GetValue<string>());
            Assert.Equal(status["nodeInfo"]!["architecture"]!.GetValue<string>(), labels["kubernetes.io/arch"]!.GetValue<string>());
            Assert.Matches(@"^10\.244\.\d+\.0/24$", node["spec"]!["podCIDR"]!.GetValue<string>());
        }

        // kubectl's own view agrees.
        var table = await cluster.OkAsync(LabNamespace.Kubectl, "get", "nodes");
        Assert.Matches(@"(?m)^h1\s+Ready\s", table);
        Assert.Matches(@"(?m)^h2\s+Ready\s", table);
    }

    [Fact]
    public async Task Each_agent_renews_its_node_lease()
    {
        foreach (var node in new[] { "h1", "h2" })
        {
            var holder = await cluster.OkAsync(LabNamespace.Kubectl, "-n", "kube-node-lease", "get", "lease", node, "-o", "jsonpath={.spec.holderIdentity}");
            Assert.Equal(node, holder);
        }

        await using var ns = await LabNamespace.CreateAsync(cluster, "lease");
        var first = await cluster.OkAsync(LabNamespace.Kubectl, "-n", "kube-node-lease", "get", "lease", "h1", "-o", "jsonpath={.spec.renewTime}");
        await ns.EventuallyAsync(
            async () =>
            {
                var renewed = await cluster.OkAsync(LabNamespace.Kubectl, "-n", "kube-node-lease", "get", "lease", "h1", "-o", "jsonpath={.spec.renewTime}");
                return renewed != first ? renewed : null;
            },
            $"the lease of h1 to be renewed after {first}",
            TimeSpan.FromSeconds(45));
    }

    [Fact]
    public async Task Node_selector_places_pods_on_the_chosen_node()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "selector");
        for (var i = 0; i < 3; i++)
        {
            await ns.ApplyAsync(LabManifests.Sleeper($"on-h2-{i}", "  nodeSelector: {kubernetes.io/hostname: h2}"));
        }

        for (var i = 0; i < 3; i++)
        {
            await ns.WaitForPhaseAsync($"on-h2-{i}", "Running");
            Assert.Equal("h2", await ns.GetAsync($"pod/on-h2-{i}", "{.spec.nodeName}"));
            Assert.Equal(LabCluster.HostIp(2), await ns.GetAsync($"pod/on-h2-{i}", "{.status.hostIP}"));
        }
    }

    [Fact]
    public async Task Required_node_affinity_keeps_pods_off_excluded_nodes()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "affinity");
        const string notOnH2 = """
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                    - matchExpressions:
                      - {key: kubernetes.io/hostname, operator: NotIn, values: [h2]}
            """;
        for (var i = 0; i < 3; i++)
        {
            await ns.ApplyAsync(LabManifests.Sleeper($"not-h2-{i}", notOnH2));
        }

        for (var i = 0; i < 3; i++)
        {
            await ns.WaitForPhaseAsync($"not-h2-{i}", "Running");
            Assert.Equal("h1", await ns.GetAsync($"pod/not-h2-{i}", "{.spec.nodeName}"));
        }
    }

    [Fact]
    public async Task Preferred_node_affinity_is_followed_when_the_node_fits()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "preferred");
        const string preferH1 = """
              affinity:
                nodeAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 100
                    preference:
                      matchExpressions:
                      - {key: kubernetes.io/hostname, operator: In, values: [h1]}
            """;
        for (var i = 0; i < 3; i++)
        {
            await ns.ApplyAsync(LabManifests.Sleeper($"prefers-h1-{i}", preferH1));
        }

        for (var i = 0; i < 3; i++)
        {
            await ns.WaitForPhaseAsync($"prefers-h1-{i}", "Running");
            Assert.Equal("h1", await ns.GetAsync($"pod/prefers-h1-{i}", "{.spec.nodeName}"));
        }
    }

    [Fact]
    public async Task Tainted_node_only_takes_pods_that_tolerate_the_taint()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "taint");
        var taint = $"shim-lab/{ns.Name}=keep-out:NoSchedule";
        await cluster.OkAsync(LabNamespace.Kubectl, "taint", "node", "h1", taint);
        try
        {
            for (var i = 0; i < 3; i++)
            {
                await ns.ApplyAsync(LabManifests.Sleeper($"intolerant-{i}"));
            }

            for (var i = 0; i < 3; i++)
            {
                await ns.WaitForPhaseAsync($"intolerant-{i}", "Running");
                Assert.Equal("h2", await ns.GetAsync($"pod/intolerant-{i}", "{.spec.nodeName}"));
            }

            // Pinned to h1 without a toleration: unschedulable, and the message names the taint.
            await ns.ApplyAsync(LabManifests.Sleeper("pinned-intolerant", "  nodeSelector: {kubernetes.io/hostname: h1}"));
            var message = await ns.WaitForAsync("pod/pinned-intolerant", "{.status.conditions[?(@.type==\"PodScheduled\")].message}", m => m.Length > 0, "a PodScheduled message");
            Assert.Contains("untolerated taint", message, StringComparison.Ordinal);
            Assert.Equal("", await ns.GetAsync("pod/pinned-intolerant", "{.spec.nodeName}"));

            // Pinned to h1 with a toleration: runs there.
            await ns.ApplyAsync(LabManifests.Sleeper("pinned-tolerant", $$"""
                  nodeSelector: {kubernetes.io/hostname: h1}
                  tolerations:
                  - {key: shim-lab/{{ns.Name}}, operator: Equal, value: keep-out, effect: NoSchedule}
                """));
            await ns.WaitForPhaseAsync("pinned-tolerant", "Running");
            Assert.Equal("h1", await ns.GetAsync("pod/pinned-tolerant", "{.spec.nodeName}"));
        }
        finally
        {
            await cluster.KubectlAsync(LabNamespace.Kubectl, "taint", "node", "h1", $"shim-lab/{ns.Name}:NoSchedule-");
        }

        // Without the taint the waiting pod is scheduled (retried when the node changed).
        await ns.WaitForPhaseAsync("pinned-intolerant", "Running");
        Assert.Equal("h1", await ns.GetAsync("pod/pinned-intolerant", "{.spec.nodeName}"));
    }

    [Fact]
    public async Task Pod_requesting_more_than_any_node_has_is_reported_unschedulable()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "toobig");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: too-big}
            spec:
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                resources:
                  requests: {cpu: "500", memory: 16Mi}
            """);
        var reason = await ns.WaitForAsync("pod/too-big", "{.status.conditions[?(@.type==\"PodScheduled\")].reason}", r => r.Length > 0, "a PodScheduled condition");
        Assert.Equal("Unschedulable", reason);
        Assert.Equal("False", await ns.GetAsync("pod/too-big", "{.status.conditions[?(@.type==\"PodScheduled\")].status}"));
        Assert.Equal("Pending", await ns.GetAsync("pod/too-big", "{.status.phase}"));
        Assert.StartsWith("0/2 nodes are available: 2 Insufficient cpu.", await ns.GetAsync("pod/too-big", "{.status.conditions[?(@.type==\"PodScheduled\")].message}"), StringComparison.Ordinal);

        var failed = await ns.WaitForEventAsync("too-big", "FailedScheduling");
        Assert.Equal("Warning", failed.Type);
        Assert.StartsWith("0/2 nodes are available: 2 Insufficient cpu.", failed.Message, StringComparison.Ordinal);
        Assert.Contains("FailedScheduling", await ns.OkAsync("describe", "pod", "too-big"), StringComparison.Ordinal);

        // Requests of a pod cannot be lowered (pods are immutable there): the way out is deleting it.
        var lowered = await ns.RunAsync("patch", "pod", "too-big", "--type=json", "-p", """[{"op":"replace","path":"/spec/containers/0/resources/requests/cpu","value":"100m"}]""");
        Assert.NotEqual(0, lowered.ExitCode);
        Assert.Contains("Forbidden", lowered.Output, StringComparison.Ordinal);
        await ns.DeletePodAsync("too-big");
        await ns.WaitForGoneAsync("too-big");
    }

    [Fact]
    public async Task A_host_port_is_served_on_the_node_address_and_a_second_claim_waits_for_it()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "hostport");
        const int port = 18080; // outside the node port range, so no service of another test can hold it
        string Web(string name) => $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{name}}}
            spec:
              terminationGracePeriodSeconds: 1
              nodeSelector: {kubernetes.io/hostname: h1}
              containers:
              - name: app
                image: {{LabManifests.Busybox}}
                command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
                ports: [{containerPort: 8080, hostPort: {{port}}}]
            """;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        async Task<string?> AnswerAsync()
        {
            try
            {
                return (await http.GetStringAsync(new Uri($"http://{LabCluster.HostIp(1)}:{port}/"))).Trim();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return null;
            }
        }

        await ns.ApplyAsync(Web("first"));
        await ns.ApplyAsync(LabManifests.Sleeper("near", "  nodeSelector: {kubernetes.io/hostname: h1}"));
        await ns.ApplyAsync(LabManifests.Sleeper("far", "  nodeSelector: {kubernetes.io/hostname: h2}"));
        await ns.WaitForPhaseAsync("first", "Running");
        Assert.Equal("first", await ns.EventuallyAsync(async () => await AnswerAsync() is "first" ? "first" : null, "the node's port answered by the pod"));

        // Pods reach it through the node's address too: from another node, and from the same node (hairpin).
        foreach (var client in new[] { "far", "near" })
        {
            await ns.WaitForReadyAsync(client);
            Assert.Equal("first", await ns.ShAsync(client, $"timeout 10 wget -q -O - http://{LabCluster.HostIp(1)}:{port}/"));
        }

        // The same host port on the same node is taken: the second pod waits, with upstream's reason.
        await ns.ApplyAsync(Web("second"));
        var message = await ns.WaitForAsync("pod/second", "{.status.conditions[?(@.type==\"PodScheduled\")].message}", m => m.Length > 0, "a PodScheduled message");
        Assert.Contains("1 node(s) didn't have free ports for the requested pod ports", message, StringComparison.Ordinal);

        await ns.DeletePodAsync("first");
        await ns.WaitForPhaseAsync("second", "Running");
        await ns.EventuallyAsync(async () => await AnswerAsync() is "second" ? "" : null, "the port answered by the second pod");
    }

    [Fact]
    public async Task Pod_anti_affinity_on_hostname_spreads_replicas_over_nodes()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "antiaffinity");
        const string apart = """
              affinity:
                podAntiAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                  - labelSelector: {matchLabels: {app: apart}}
                    topologyKey: kubernetes.io/hostname
            """;
        await ns.ApplyAsync(LabManifests.Sleeper("apart-0", apart, "{app: apart}"));
        await ns.WaitForPhaseAsync("apart-0", "Running");
        await ns.ApplyAsync(LabManifests.Sleeper("apart-1", apart, "{app: apart}"));
        await ns.WaitForPhaseAsync("apart-1", "Running");
        var nodes = new[] { await ns.GetAsync("pod/apart-0", "{.spec.nodeName}"), await ns.GetAsync("pod/apart-1", "{.spec.nodeName}") };
        Assert.Equal(["h1", "h2"], nodes.Order(StringComparer.Ordinal));

        // A third replica has no node left.
        await ns.ApplyAsync(LabManifests.Sleeper("apart-2", apart, "{app: apart}"));
        var message = await ns.WaitForAsync("pod/apart-2", "{.status.conditions[?(@.type==\"PodScheduled\")].message}", m => m.Length > 0, "a PodScheduled message");
        Assert.Contains("0/2 nodes are available", message, StringComparison.Ordinal);
        Assert.Contains("anti-affinity", message, StringComparison.Ordinal);
        Assert.Equal("Unschedulable", await ns.GetAsync("pod/apart-2", "{.status.conditions[?(@.type==\"PodScheduled\")].reason}"));

        // Deleting one replica frees its node for the third.
        await ns.DeletePodAsync("apart-0");
        await ns.WaitForPhaseAsync("apart-2", "Running");
        Assert.Equal(nodes[0], await ns.GetAsync("pod/apart-2", "{.spec.nodeName}"));
    }

    [Fact]
    public async Task Unschedulable_pod_is_scheduled_once_a_node_gets_the_label_it_selects()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "relabel");
        var label = $"shim-lab/{ns.Name}";
        await ns.ApplyAsync(LabManifests.Sleeper("waits-for-label", $"  nodeSelector: {{{label}: \"yes\"}}"));
        var message = await ns.WaitForAsync("pod/waits-for-label", "{.status.conditions[?(@.type==\"PodScheduled\")].message}", m => m.Length > 0, "a PodScheduled message");
        Assert.Contains("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.", message, StringComparison.Ordinal);

        await cluster.OkAsync(LabNamespace.Kubectl, "label", "node", "h2", $"{label}=yes");
        try
        {
            await ns.WaitForPhaseAsync("waits-for-label", "Running");
            Assert.Equal("h2", await ns.GetAsync("pod/waits-for-label", "{.spec.nodeName}"));
            Assert.Equal("True", await ns.GetAsync("pod/waits-for-label", "{.status.conditions[?(@.type==\"PodScheduled\")].status}"));
        }
        finally
        {
            await cluster.KubectlAsync(LabNamespace.Kubectl, "label", "node", "h2", $"{label}-");
        }
    }

    [Fact]
    public async Task Cordoned_node_gets_no_new_pods_until_uncordoned()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "cordon");
        await ns.ApplyAsync(LabManifests.Sleeper("before-cordon", "  nodeSelector: {kubernetes.io/hostname: h1}"));
        await ns.WaitForPhaseAsync("before-cordon", "Running");

        await cluster.OkAsync(LabNamespace.Kubectl, "cordon", "h1");
        try
        {
            Assert.Matches(@"(?m)^h1\s+Ready,SchedulingDisabled\s", await cluster.OkAsync(LabNamespace.Kubectl, "get", "nodes"));
            for (var i = 0; i < 3; i++)
            {
                await ns.ApplyAsync(LabManifests.Sleeper($"during-cordon-{i}"));
            }

            for (var i = 0; i < 3; i++)
            {
                await ns.WaitForPhaseAsync($"during-cordon-{i}", "Running");
                Assert.Equal("h2", await ns.GetAsync($"pod/during-cordon-{i}", "{.spec.nodeName}"));
            }

            await ns.ApplyAsync(LabManifests.Sleeper("wants-h1", "  nodeSelector: {kubernetes.io/hostname: h1}"));
            var message = await ns.WaitForAsync("pod/wants-h1", "{.status.conditions[?(@.type==\"PodScheduled\")].message}", m => m.Length > 0, "a PodScheduled message");
            Assert.Contains("unschedulable", message, StringComparison.Ordinal);

            // Pods already on the cordoned node keep running.
            Assert.Equal("Running", await ns.GetAsync("pod/before-cordon", "{.status.phase}"));
        }
        finally
        {
            await cluster.KubectlAsync(LabNamespace.Kubectl, "uncordon", "h1");
        }

        await ns.WaitForPhaseAsync("wants-h1", "Running");
        Assert.Equal("h1", await ns.GetAsync("pod/wants-h1", "{.spec.nodeName}"));
    }
}
