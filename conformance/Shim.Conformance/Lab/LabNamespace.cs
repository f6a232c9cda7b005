using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Xunit;
using Xunit.Sdk;

namespace Shim.Conformance.Lab;

/// <summary>
/// The namespace of one lab test, with the kubectl and docker look-ups the lab tests share: apply a manifest, read a
/// jsonpath, wait (with a deadline) for a condition, exec in a pod, find the Docker host and the containers of a pod.
/// Deleted on dispose (best effort). Timeout failures carry the object, its events and the server and agent logs.
/// </summary>
public sealed class LabNamespace : IAsyncDisposable
{
    /// <summary>The kubectl the lab tests drive unless a test is about a version.</summary>
    public const string Kubectl = "1.32";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private LabNamespace(LabCluster cluster, string name)
    {
        Cluster = cluster;
        Name = name;
    }

    public LabCluster Cluster { get; }

    public string Name { get; }

    /// <summary>A host directory for hostPath volumes of this namespace, removed on dispose.</summary>
    public string HostDirectory => $"/tmp/shim-lab-test-{Name}";

    public static async Task<LabNamespace> CreateAsync(LabCluster cluster, string stem)
    {
        var name = cluster.NewNamespaceName(stem);
        await cluster.OkAsync(Kubectl, "create", "namespace", name);
        return new LabNamespace(cluster, name);
    }

    /// <summary>`kubectl -n NS ARGS`, failing the test on a non-zero exit; stdout without the last newline.</summary>
    public Task<string> OkAsync(params string[] args) => Cluster.OkAsync(Kubectl, ["-n", Name, .. args]);

    /// <summary>`kubectl -n NS ARGS` whatever its exit code.</summary>
    public Task<ProcessResult> RunAsync(params string[] args) => Cluster.KubectlAsync(Kubectl, ["-n", Name, .. args]);

    /// <summary>`kubectl apply -f -` of a manifest in this namespace.</summary>
    public Task<string> ApplyAsync(string yaml) => Cluster.OkWithInputAsync(Kubectl, yaml, "-n", Name, "apply", "-f", "-");

    /// <summary>One jsonpath of an object, e.g. GetAsync("pod/web", "{.status.phase}").</summary>
    public Task<string> GetAsync(string resource, string jsonPath) => OkAsync("get", resource, "-o", $"jsonpath={jsonPath}");

    public async Task<JsonNode> GetJsonAsync(string resource) => JsonNode.Parse(await OkAsync("get", resource, "-o", "json"))!;

    /// <summary>
    /// Polls a jsonpath of an object until <paramref name="until"/> holds and returns that value; fails with the last
    /// value, the object, its events and the cluster's logs when the deadline passes first.
    /// </summary>
    public async Task<string> WaitForAsync(string resource, string jsonPath, Func<string, bool> until, string expectation, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        var last = "";
        while (true)
        {
            var result = await RunAsync("get", resource, "-o", $"jsonpath={jsonPath}");
            last = result.ExitCode == 0 ? result.Stdout.TrimEnd('\n') : result.Output;
            if (result.ExitCode == 0 && until(last))
            {
                return last;
            }

            if (deadline.Elapsed > limit)
            {
                throw new XunitException($"{resource} in {Name}: expected {expectation} within {limit.TotalSeconds}s; {jsonPath} was \"{last}\"\n{await DiagnosticsAsync(resource)}");
            }

            await Task.Delay(500);
        }
    }

    /// <summary>Polls an arbitrary probe (returning null while not there yet, or the value) with a deadline.</summary>
    public async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string expectation, TimeSpan? timeout = null, string? resource = null, Func<string>? lastObserved = null)
        where T : class
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (deadline.Elapsed > limit)
            {
                var observed = lastObserved is null ? "" : $"; last observed: {lastObserved()}";
                throw new XunitException($"in {Name}: expected {expectation} within {limit.TotalSeconds}s{observed}\n{await DiagnosticsAsync(resource)}");
            }

            await Task.Delay(500);
        }
    }

    public Task<string> WaitForPhaseAsync(string pod, string phase, TimeSpan? timeout = null) =>
        WaitForAsync($"pod/{pod}", "{.status.phase}", p => p == phase, $"phase {phase}", timeout);

    /// <summary>Waits for the pod's Ready condition to be True.</summary>
    public Task WaitForReadyAsync(string pod, TimeSpan? timeout = null) =>
        WaitForAsync($"pod/{pod}", "{.status.conditions[?(@.type==\"Ready\")].status}", s => s == "True", "condition Ready=True", timeout);

    /// <summary>Waits for a container's waiting reason (e.g. CrashLoopBackOff) and returns the waiting message.</summary>
    public async Task<string> WaitForWaitingReasonAsync(string pod, string container, string reason, TimeSpan? timeout = null)
    {
        await WaitForAsync($"pod/{pod}", $"{{.status.containerStatuses[?(@.name==\"{container}\")].state.waiting.reason}}", r => r == reason, $"container {container} waiting with reason {reason}", timeout);
        return await GetAsync($"pod/{pod}", $"{{.status.containerStatuses[?(@.name==\"{container}\")].state.waiting.message}}");
    }

    /// <summary>Waits until the pod object is gone.</summary>
    public async Task WaitForGoneAsync(string pod, TimeSpan? timeout = null) =>
        await EventuallyAsync(async () =>
        {
            var result = await RunAsync("get", "pod", pod, "-o", "name", "--ignore-not-found");
            return result.ExitCode == 0 && result.Stdout.Trim().Length == 0 ? "gone" : null;
        }, $"pod {pod} to be deleted", timeout);

    public async Task<int> RestartCountAsync(string pod, string container) =>
        int.Parse(await GetAsync($"pod/{pod}", $"{{.status.containerStatuses[?(@.name==\"{container}\")].restartCount}}"), CultureInfo.InvariantCulture);

    /// <summary>`kubectl exec POD [-c CONTAINER] -- COMMAND` whatever its exit code.</summary>
    public Task<ProcessResult> ExecAsync(string pod, string? container, params string[] command) =>
        container is null
            ? RunAsync(["exec", pod, "--", .. command])
            : RunAsync(["exec", pod, "-c", container, "--", .. command]);

    /// <summary>`sh -c SCRIPT` in the pod, failing the test on a non-zero exit; stdout without the last newline.</summary>
    public async Task<string> ShAsync(string pod, string script, string? container = null)
    {
        var result = await ExecAsync(pod, container, "sh", "-c", script);
        if (result.ExitCode != 0)
        {
            throw new XunitException($"exec in {pod} of `{script}` failed ({result.ExitCode}):\n{result.Output}");
        }

        return result.Stdout.TrimEnd('\n');
    }

    /// <summary>The lab host number (1 for node h1) the pod is bound to.</summary>
    public async Task<int> HostOfAsync(string pod)
    {
        var node = await GetAsync($"pod/{pod}", "{.spec.nodeName}");
        return node.StartsWith('h') && int.TryParse(node[1..], CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new XunitException($"pod {pod} is bound to \"{node}\", not a lab host");
    }

    public Task<string> UidAsync(string pod) => GetAsync($"pod/{pod}", "{.metadata.uid}");

    /// <summary>Every Docker container (any state) on <paramref name="host"/> labelled with the pod uid.</summary>
    public static async Task<IReadOnlyList<LabContainer>> ContainersAsync(int host, string podUid)
    {
        var result = await LabCluster.DockerAsync(host, "ps", "-a", "--no-trunc", "--filter", $"label=io.kubernetes.pod.uid={podUid}", "--format", "{{.ID}}\t{{.Names}}\t{{.State}}");
        if (result.ExitCode != 0)
        {
            throw new XunitException($"docker ps on h{host} failed:\n{result.Output}");
        }

        return [.. result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(LabContainer.Parse)];
    }

    /// <summary>The pod's containers on the host it is bound to.</summary>
    public async Task<IReadOnlyList<LabContainer>> ContainersOfAsync(string pod) => await ContainersAsync(await HostOfAsync(pod), await UidAsync(pod));

    /// <summary>`docker inspect` of the pod's newest Docker container for <paramref name="container"/> (running or not).</summary>
    public async Task<JsonNode> InspectAsync(string pod, string container)
    {
        var host = await HostOfAsync(pod);
        var newest = (await ContainersOfAsync(pod)).First(c => c.Container == container);
        var result = await LabCluster.DockerAsync(host, "inspect", newest.Id);
        Assert.True(result.ExitCode == 0, result.Output);
        return JsonNode.Parse(result.Stdout)!.AsArray()[0]!;
    }

    /// <summary>The events about one object of this namespace, oldest first.</summary>
    public async Task<IReadOnlyList<LabEvent>> EventsAsync(string name)
    {
        var json = JsonNode.Parse(await OkAsync("get", "events", "-o", "json"))!;
        return [.. json["items"]!.AsArray()
            .Where(e => e!["involvedObject"]?["name"]?.GetValue<string>() == name)
            .Select(e => new LabEvent(
                e!["type"]?.GetValue<string>() ?? "",
                e["reason"]?.GetValue<string>() ?? "",
                e["message"]?.GetValue<string>() ?? "",
                e["count"]?.GetValue<int>() ?? 1))];
    }

    /// <summary>Waits for an event with the reason (and a message containing <paramref name="messagePart"/>) about the object.</summary>
    public Task<LabEvent> WaitForEventAsync(string name, string reason, string messagePart = "", TimeSpan? timeout = null) =>
        EventuallyAsync(
            async () => (await EventsAsync(name)).FirstOrDefault(e => e.Reason == reason && e.Message.Contains(messagePart, StringComparison.Ordinal)),
            $"an event {reason} \"…{messagePart}…\" about {name}",
            timeout,
            $"pod/{name}");

    /// <summary>Deletes a pod and waits for the object to be gone; returns how long `kubectl delete` took.</summary>
    public async Task<TimeSpan> DeletePodAsync(string pod, params string[] extraArgs)
    {
        var clock = Stopwatch.StartNew();
        await OkAsync(["delete", "pod", pod, "--timeout=120s", .. extraArgs]);
        return clock.Elapsed;
    }

    /// <summary>The object, its events and the cluster's logs, for a failure message.</summary>
    public async Task<string> DiagnosticsAsync(string? resource)
    {
        var parts = new List<string>();
        if (resource is not null)
        {
            var yaml = await RunAsync("get", resource, "-o", "yaml");
            parts.Add($"--- {resource} ---\n{yaml.Output}");
        }

        var events = await RunAsync("get", "events", "-o", "wide");
        parts.Add($"--- events in {Name} ---\n{events.Output}");
        parts.Add(Cluster.Logs());
        return string.Join('\n', parts);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Cluster.KubectlAsync(Kubectl, "delete", "namespace", Name, "--wait=false");
        }
        catch (TimeoutException)
        {
            // Best effort: a namespace left behind does not disturb the next test, which has its own.
        }

        if (Directory.Exists(HostDirectory))
        {
            Directory.Delete(HostDirectory, recursive: true);
        }
    }
}

/// <summary>One Docker container of a pod as `docker ps -a` shows it; <see cref="Container"/> is "POD" for the sandbox.</summary>
public sealed record LabContainer(string Id, string Name, string State)
{
    public bool Running => State == "running";

    public bool IsSandbox => Container == "POD";

    /// <summary>The container name inside the pod, from k8s_&lt;container&gt;_&lt;pod&gt;_&lt;ns&gt;_&lt;uid&gt;_&lt;attempt&gt;.</summary>
    public string Container => Name.Split('_') is { Length: >= 6 } parts && parts[0] == "k8s" ? parts[1] : "";

    public static LabContainer Parse(string line)
    {
        var fields = line.Split('\t');
        return new LabContainer(fields[0], fields[1].TrimStart('/'), fields[2]);
    }

    public override string ToString() => $"{Name} ({State}, {Id[..12]})";
}

/// <summary>An event about an object: Normal/Warning, reason, message and how often it was seen.</summary>
public sealed record LabEvent(string Type, string Reason, string Message, int Count);
