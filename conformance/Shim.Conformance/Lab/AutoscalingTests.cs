using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>`kubectl top` from the agents' container stats, and an HPA scaling a CPU-burning deployment up and back down.</summary>
[Collection("lab")]
public sealed class AutoscalingTests(LabCluster cluster)
{
    [Fact]
    public async Task Top_shows_usage_and_an_hpa_scales_a_cpu_burner_up_and_back_down()
    {
        cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        await using var ns = await LabNamespace.CreateAsync(cluster, "hpa");
        // Burns CPU (capped at 200m by its limit) while /tmp/burn exists; new replicas start idle.
        await ns.ApplyAsync($$$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: burner}
            spec:
              replicas: 1
              selector: {matchLabels: {app: burner}}
              template:
                metadata: {labels: {app: burner}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: app
                    image: {{{LabManifests.Busybox}}}
                    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do if [ -f /tmp/burn ]; then :; else sleep 1; fi; done"]
                    resources: {requests: {cpu: 100m, memory: 16Mi}, limits: {cpu: 200m, memory: 64Mi}}
            """);
        await DeploymentTests.RolloutStatusAsync(ns, "burner");
        var first = (await DeploymentTests.PodsAsync(ns, "burner")).Single().Name;
        await ns.ShAsync(first, "touch /tmp/burn");

        var top = await ns.EventuallyAsync(
            async () => await ns.RunAsync("top", "pod", first, "--containers") is { ExitCode: 0 } r ? r.Stdout : null,
            "kubectl top pod to show the burner",
            TimeSpan.FromSeconds(90));
        Assert.Contains(first, top, StringComparison.Ordinal);
        Assert.Matches(@"app\s+\d+m\s+\d+Mi", top);
        // Node usage is a rate between two scrapes (15 s apart); a young container's is measured from its start.
        var nodes = await ns.EventuallyAsync(
            async () => await cluster.KubectlAsync(LabNamespace.Kubectl, "top", "nodes") is { ExitCode: 0 } r ? r.Stdout : null,
            "kubectl top nodes to show both nodes",
            TimeSpan.FromSeconds(60));
        Assert.Contains("h1", nodes, StringComparison.Ordinal);
        Assert.Contains("h2", nodes, StringComparison.Ordinal);

        await ns.ApplyAsync("""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: burner}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: burner}
              minReplicas: 1
              maxReplicas: 3
              metrics:
              - type: Resource
                resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
              behavior:
                scaleDown: {stabilizationWindowSeconds: 0}
            """);
        await ns.WaitForAsync("deployment/burner", "{.spec.replicas}", r => int.Parse(r, System.Globalization.CultureInfo.InvariantCulture) > 1, "the HPA to scale the burner up", TimeSpan.FromSeconds(120));
        await ns.WaitForAsync("hpa/burner", "{.status.conditions[?(@.type==\"ScalingActive\")].status}", s => s == "True", "ScalingActive");

        await ns.ShAsync(first, "rm -f /tmp/burn");
        await ns.WaitForAsync("deployment/burner", "{.spec.replicas}", r => r == "1", "the HPA to scale back down to 1", TimeSpan.FromSeconds(150));
        Assert.Contains("SuccessfulRescale", await ns.OkAsync("get", "events", "--field-selector", "involvedObject.name=burner"), StringComparison.Ordinal);
    }
}
