using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Shim.Agent.Pods.Inputs;
using Shim.Docker;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>
/// The pod runtime of one node: a worker per pod keeps Docker's containers in line with the pod spec (sandbox, image
/// pulls, init and app containers, restarts with backoff, probes, graceful termination) and reports status. Docker
/// events and a periodic resync wake the workers. It only ever touches containers labelled with its node name.
/// </summary>
public sealed class PodManager : IAsyncDisposable
{
    private static readonly TimeSpan RemovalGrace = TimeSpan.FromSeconds(2);
    private readonly PodRuntimeServices _s;
    private readonly ILogger<PodManager> _logger;
    private readonly ConcurrentDictionary<string, PodWorker> _workers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _background = new();
    private readonly CancellationTokenSource _lifetime = new();
    private int _started;
    private int _disposed;

    public PodManager(IDockerClient docker, IClusterReader cluster, IPodStatusWriter status, IEventRecorder events, PodRuntimeOptions options, ILoggerFactory loggers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        _logger = loggers.CreateLogger<PodManager>();
        _s = new PodRuntimeServices(docker, cluster, status, events, new PodVolumes(cluster, options.PodsRoot), options, _logger, time);
    }

    public PodRuntimeOptions Options => _s.Options;

    /// <summary>Finds this node's containers (adopted by the pod workers as pods arrive) and starts watching Docker.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        var containers = await ListNodeContainersAsync(cancellationToken).ConfigureAwait(false);
        var pods = containers.Select(c => c["Labels"]?[ContainerLabels.PodUid]?.GetValue<string>()).Distinct(StringComparer.Ordinal).Count();
        _logger.Adopted(containers.Count, pods, _s.Options.NodeName);
        Track(WatchEventsAsync(_lifetime.Token));
        Track(ResyncAsync(_lifetime.Token));
    }

    /// <summary>A pod bound to this node was added or changed (including a deletionTimestamp being set).</summary>
    public void Upsert(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (Volatile.Read(ref _disposed) == 1 || pod.Metadata?.Uid is not { Length: > 0 } uid)
        {
            return;
        }

        var worker = _workers.GetOrAdd(uid, _ => new PodWorker(pod, _s));
        worker.Update(pod);
        worker.Start();
    }

    /// <summary>The pod is gone from the API: stop (short grace) and remove its containers and volumes.</summary>
    public void Remove(string podUid)
    {
        ArgumentException.ThrowIfNullOrEmpty(podUid);
        Track(RemovePodAsync(podUid, _lifetime.Token));
    }

    /// <summary>After a full list: removes the containers (and workers) of this node's pods that are not desired.</summary>
    public async Task ConvergeAsync(IReadOnlyCollection<Pod> desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var wanted = desired.Select(p => p.Metadata?.Uid).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var present = (await ListNodeContainersAsync(cancellationToken).ConfigureAwait(false))
            .Select(c => c["Labels"]?[ContainerLabels.PodUid]?.GetValue<string>())
            .OfType<string>()
            .Concat(_workers.Keys)
            .ToHashSet(StringComparer.Ordinal);
        await Task.WhenAll(present.Where(uid => !wanted.Contains(uid)).Select(uid => RemovePodAsync(uid, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// The container that logs/exec/attach/port-forward act on. <paramref name="containerName"/> null means the pod's
    /// default container (annotation kubectl.kubernetes.io/default-container, else the first); previous means the last
    /// terminated attempt. Null when there is none.
    /// </summary>
    public async Task<RunningContainer?> FindContainerAsync(string @namespace, string podName, string? containerName, bool previous, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ContainerLabels.Node] = _s.Options.NodeName,
            [ContainerLabels.PodNamespace] = @namespace,
            [ContainerLabels.PodName] = podName,
        };
        var observed = new List<ObservedContainer>();
        foreach (var summary in await _s.Docker.ListContainersAsync(labels, all: true, cancellationToken).ConfigureAwait(false))
        {
            if (summary["Id"]?.GetValue<string>() is { } id
                && await _s.Docker.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false) is { } inspect
                && ObservedContainer.FromInspect(inspect, _s.Options.NetworkName) is { } container)
            {
                observed.Add(container);
            }
        }

        // A pod recreated under the same name has a new uid: prefer the one this node runs now.
        var worker = _workers.Values.FirstOrDefault(w => w.Pod.Metadata?.Namespace == @namespace && w.Pod.Metadata?.Name == podName);
        var uid = worker?.Uid
            ?? observed.Where(c => c.IsSandbox).OrderByDescending(c => c.Running).ThenByDescending(c => c.StartedAt).Select(c => c.Name.PodUid).FirstOrDefault()
            ?? observed.Select(c => c.Name.PodUid).FirstOrDefault();
        if (uid is null)
        {
            return null;
        }

        var observation = new PodObservation([.. observed.Where(c => c.Name.PodUid == uid)]);
        var pod = worker?.Pod;
        var name = containerName ?? DefaultContainer(pod, observation);
        if (name is null)
        {
            return null;
        }

        var attempts = observation.Attempts(name);
        if (attempts.Count == 0)
        {
            return null;
        }

        var chosen = previous ? PreviousAttempt(pod, attempts) : attempts[0];
        if (chosen is null)
        {
            return null;
        }

        var sandbox = observation.Sandbox;
        var podIp = pod?.Spec?.HostNetwork == true ? _s.Options.NodeIp : worker?.PodIp ?? (sandbox?.IpAddress is { Length: > 0 } ip ? ip : null);
        return new RunningContainer(chosen.Id, name, chosen.Running, chosen.Tty, chosen.OpenStdin, chosen.StdinOnce, podIp);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        foreach (var worker in _workers.Values)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }

        _workers.Clear();
        try
        {
            await Task.WhenAll(_background.Keys).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Background loops end by cancellation.
        }

        _lifetime.Dispose();
    }

    private static string? DefaultContainer(Pod? pod, PodObservation observation)
    {
        if (pod?.Metadata?.Annotations?.GetValueOrDefault("kubectl.kubernetes.io/default-container") is { Length: > 0 } annotated)
        {
            return annotated;
        }

        if (pod?.Spec?.Containers is { Count: > 0 } containers)
        {
            return containers[0].Name;
        }

        // Without the pod object, only an unambiguous container name will do.
        var names = observation.Containers.Where(c => !c.IsSandbox).Select(c => c.Name.ContainerName).Distinct(StringComparer.Ordinal).ToList();
        return names.Count == 1 ? names[0] : null;
    }

    /// <summary>The last terminated attempt, as lastState reports it: the latest exit while a restart is pending, else the one before.</summary>
    private static ObservedContainer? PreviousAttempt(Pod? pod, IReadOnlyList<ObservedContainer> attempts)
    {
        var latest = attempts[0];
        var policy = pod?.Spec?.RestartPolicy ?? "Always";
        var restartPending = latest.Exited && (policy == "Always" || (policy == "OnFailure" && latest.ExitCode != 0));
        return restartPending ? latest : attempts.Count > 1 ? attempts[1] : null;
    }

    private Task<IReadOnlyList<System.Text.Json.Nodes.JsonObject>> ListNodeContainersAsync(CancellationToken cancellationToken) =>
        _s.Docker.ListContainersAsync(new Dictionary<string, string>(StringComparer.Ordinal) { [ContainerLabels.Node] = _s.Options.NodeName }, all: true, cancellationToken);

    private async Task RemovePodAsync(string uid, CancellationToken cancellationToken)
    {
        if (_workers.TryRemove(uid, out var worker))
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }

        _logger.RemovingPod(uid);
        try
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [ContainerLabels.PodUid] = uid, [ContainerLabels.Node] = _s.Options.NodeName };
            var containers = await _s.Docker.ListContainersAsync(labels, all: true, cancellationToken).ConfigureAwait(false);
            bool IsSandbox(System.Text.Json.Nodes.JsonObject c) => c["Labels"]?[ContainerLabels.DockerType]?.GetValue<string>() == ContainerLabels.TypeSandbox;
            bool IsRunning(System.Text.Json.Nodes.JsonObject c) => c["State"]?.GetValue<string>() == "running";
            string Id(System.Text.Json.Nodes.JsonObject c) => c["Id"]?.GetValue<string>() ?? "";

            // App containers get a short grace to exit, then everything goes, sandbox last.
            await Task.WhenAll(containers.Where(c => !IsSandbox(c) && IsRunning(c))
                .Select(c => _s.Docker.StopContainerAsync(Id(c), (int)RemovalGrace.TotalSeconds, cancellationToken))).ConfigureAwait(false);
            foreach (var container in containers.OrderBy(IsSandbox))
            {
                await _s.Docker.RemoveContainerAsync(Id(container), force: true, removeVolumes: true, cancellationToken).ConfigureAwait(false);
            }

            await _s.Volumes.CleanupAsync(uid, cancellationToken).ConfigureAwait(false);
            var messages = TerminationMessages.HostDirectory(_s.Options.PodsRoot, uid);
            if (Directory.Exists(messages))
            {
                Directory.Delete(messages, recursive: true);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.CleanupFailed(uid, e);
        }
    }

    /// <summary>Wakes a pod's worker on every container event of this node (start, die, oom, ...).</summary>
    private async Task WatchEventsAsync(CancellationToken cancellationToken)
    {
        var filters = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["type"] = ["container"],
            ["label"] = [$"{ContainerLabels.Node}={_s.Options.NodeName}"],
        };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in _s.Docker.EventsAsync(filters, cancellationToken).ConfigureAwait(false))
                {
                    if (e["Actor"]?["Attributes"]?[ContainerLabels.PodUid]?.GetValue<string>() is { } uid && _workers.TryGetValue(uid, out var worker))
                    {
                        worker.Wake();
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DockerException or IOException or HttpRequestException)
            {
                _logger.EventsBroken(e);
            }

            // Events may have been missed while disconnected: let every worker look again.
            WakeAll();
            await Task.Delay(TimeSpan.FromSeconds(1), _s.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_s.Options.ResyncPeriod, _s.Time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            WakeAll();
        }
    }

    private void WakeAll()
    {
        foreach (var worker in _workers.Values)
        {
            worker.Wake();
        }
    }

    private void Track(Task task)
    {
        _background[task] = true;
        _ = task.ContinueWith(t => _background.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
