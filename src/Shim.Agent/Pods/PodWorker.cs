using System.Text.Json.Nodes;
using System.Threading.Channels;
using Shim.Agent.Pods.Inputs;
using Shim.Agent.Pods.Probes;
using Shim.Docker;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;

namespace Shim.Agent.Pods;

/// <summary>
/// Syncs one pod's Docker containers to its spec, one sync at a time: every wake-up (a pod update, a Docker event, a
/// probe change, the resync tick, a backoff expiring) re-reads Docker and takes the next steps, as the kubelet's
/// computePodActions does. All fields are owned by the loop except the pod and the wake signal.
/// </summary>
internal sealed class PodWorker : IAsyncDisposable
{
    private const string DeadlineReason = "DeadlineExceeded";
    private const string DeadlineMessage = "Pod was active on the node longer than the specified deadline";

    private readonly PodRuntimeServices _s;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private readonly RestartBackoff _crashBackoff;
    private readonly ImagePuller _puller;
    private readonly Dictionary<string, ContainerProbes> _probes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ContainerWaiting> _waiting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _terminationMessages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _imageIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _backoffReported = new(StringComparer.Ordinal);
    private Pod _pod;
    private Task? _loop;
    private PodStatus? _lastStatus;
    private DateTimeOffset? _startTime;
    private DateTimeOffset? _terminationStarted;
    private DateTimeOffset? _nextWake;
    private ContainerWaiting? _failure;
    private IReadOnlyDictionary<string, PreparedVolume>? _volumes;
    private int _sandboxRecreations;
    private DateTimeOffset _lastSandboxRecreation;
    private DateTimeOffset _sandboxNotBefore;
    private bool _deletionFinished;
    private string? _podIp;

    public PodWorker(Pod pod, PodRuntimeServices services)
    {
        _pod = pod;
        _s = services;
        Uid = pod.Metadata?.Uid ?? "";
        _crashBackoff = new RestartBackoff(services.Options.BackoffBase, services.Options.BackoffMax, services.Time);
        _puller = new ImagePuller(services.Docker, services.Cluster, services.Events, new RestartBackoff(services.Options.BackoffBase, services.Options.BackoffMax, services.Time), services.Time);
    }

    public string Uid { get; }

    public Pod Pod => Volatile.Read(ref _pod);

    /// <summary>The pod IP the last sync saw.</summary>
    public string? PodIp => Volatile.Read(ref _podIp);

    private string PodName => $"{_pod.Metadata?.Namespace}/{_pod.Metadata?.Name}";

    /// <summary>The kubelet's format.Pod: name_namespace(uid).</summary>
    private string PodDescription => $"{_pod.Metadata?.Name}_{_pod.Metadata?.Namespace}({Uid})";

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stopping.Token));

    public void Update(Pod pod)
    {
        var before = Interlocked.Exchange(ref _pod, pod);
        // Our own status writes come back as updates: only a change of spec (generation) or metadata needs a sync,
        // else every status write would trigger the next sync.
        if (before.Metadata?.Generation != pod.Metadata?.Generation || MetadataKey(before) != MetadataKey(pod))
        {
            Wake();
        }
    }

    private static string MetadataKey(Pod pod) => pod.Metadata is null ? "" : Shim.Model.ModelJson.Serialize(new ObjectMeta
    {
        Labels = pod.Metadata.Labels,
        Annotations = pod.Metadata.Annotations,
        DeletionTimestamp = pod.Metadata.DeletionTimestamp,
        DeletionGracePeriodSeconds = pod.Metadata.DeletionGracePeriodSeconds,
        Uid = pod.Metadata.Uid,
    });

    public void Wake() => _wake.Writer.TryWrite(true);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        await DisposeProbesAsync(_ => true).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(Pod, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // A failed sync is retried on the next wake-up; the worker must not die.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _s.Logger.SyncFailed(PodName, e);
                ScheduleWake(_s.Time.GetUtcNow() + TimeSpan.FromSeconds(1));
            }

            try
            {
                await WaitForWakeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private async Task WaitForWakeAsync(CancellationToken cancellationToken)
    {
        var read = _wake.Reader.WaitToReadAsync(cancellationToken).AsTask();
        if (_nextWake is { } due)
        {
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = due - _s.Time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                await Task.WhenAny(read, Task.Delay(delay, _s.Time, timer.Token)).ConfigureAwait(false);
                await timer.CancelAsync().ConfigureAwait(false);
            }
        }
        else
        {
            await read.ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        while (_wake.Reader.TryRead(out _))
        {
        }
    }

    private void ScheduleWake(DateTimeOffset at)
    {
        if (_nextWake is null || at < _nextWake)
        {
            _nextWake = at;
        }
    }

    private async Task SyncAsync(Pod pod, CancellationToken cancellationToken)
    {
        _waiting.Clear();
        _nextWake = null;
        _volumes = null;
        var now = _s.Time.GetUtcNow();
        var observation = await ObserveAsync(cancellationToken).ConfigureAwait(false);
        if (pod.Metadata?.DeletionTimestamp is not null)
        {
            await TerminateAsync(pod, observation, cancellationToken).ConfigureAwait(false);
            return;
        }

        _startTime ??= pod.Status?.StartTime ?? now;
        var spec = pod.Spec ?? new PodSpec();
        var terminal = _failure is not null || PodPhases.IsTerminal(_lastStatus?.Phase ?? pod.Status?.Phase);
        if (!terminal && spec.ActiveDeadlineSeconds is { } deadlineSeconds)
        {
            var deadline = _startTime.Value + TimeSpan.FromSeconds(deadlineSeconds);
            if (now >= deadline)
            {
                _failure = new ContainerWaiting(DeadlineReason, DeadlineMessage);
                _s.Events.Record(pod, "Normal", DeadlineReason, DeadlineMessage);
                terminal = true;
            }
            else
            {
                ScheduleWake(deadline);
            }
        }

        if (terminal)
        {
            // A finished pod keeps its stopped containers (their logs stay readable) but runs nothing.
            await StopAllAsync(pod, observation, cancellationToken).ConfigureAwait(false);
            await WriteStatusAsync(pod, await ObserveAsync(cancellationToken).ConfigureAwait(false), podIsTerminal: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        var (sandbox, podDone) = await EnsureSandboxAsync(pod, observation, cancellationToken).ConfigureAwait(false);
        if (sandbox is not null)
        {
            await RefreshVolumesAsync(pod, cancellationToken).ConfigureAwait(false);
            observation = await ObserveAsync(cancellationToken).ConfigureAwait(false);
            if (await SyncInitContainersAsync(pod, observation, sandbox, cancellationToken).ConfigureAwait(false))
            {
                await SyncAppContainersAsync(pod, observation, sandbox, cancellationToken).ConfigureAwait(false);
            }

            observation = await ObserveAsync(cancellationToken).ConfigureAwait(false);
        }

        await DisposeProbesAsync(id => !observation.Containers.Any(c => c.Id == id && c.Running)).ConfigureAwait(false);
        var status = await WriteStatusAsync(pod, observation, podDone, cancellationToken).ConfigureAwait(false);
        if (PodPhases.IsTerminal(status.Phase))
        {
            await StopAllAsync(pod, observation, cancellationToken).ConfigureAwait(false);
        }

        await CollectGarbageAsync(observation, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PodObservation> ObserveAsync(CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ContainerLabels.PodUid] = Uid,
            [ContainerLabels.Node] = _s.Options.NodeName,
        };
        var summaries = await _s.Docker.ListContainersAsync(labels, all: true, cancellationToken).ConfigureAwait(false);
        var containers = new List<ObservedContainer>();
        foreach (var summary in summaries)
        {
            if (summary["Id"]?.GetValue<string>() is { } id
                && await _s.Docker.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false) is { } inspect
                && ObservedContainer.FromInspect(inspect, _s.Options.NetworkName) is { } observed)
            {
                containers.Add(observed);
            }
        }

        return new PodObservation(containers);
    }

    /// <summary>
    /// The running sandbox, creating a new one when it is missing or dead; podDone when the pod must not run again
    /// (restartPolicy Never, or OnFailure with every container succeeded, after its sandbox died).
    /// </summary>
    /// <summary>Rewrites configMap/secret/downwardAPI volumes each sync, so running containers see updates (cheap when unchanged).</summary>
    private async Task RefreshVolumesAsync(Pod pod, CancellationToken cancellationToken)
    {
        try
        {
            _volumes = await _s.Volumes.PrepareAsync(pod, cancellationToken).ConfigureAwait(false);
        }
        catch (PodInputException)
        {
            // Reported (FailedMount, CreateContainerConfigError) when a container needs the volume.
        }
    }

    /// <summary>BackoffBase doubled <paramref name="doublings"/> times, at most BackoffMax.</summary>
    private TimeSpan RestartDelay(int doublings) =>
        TimeSpan.FromTicks(Math.Min(_s.Options.BackoffMax.Ticks, _s.Options.BackoffBase.Ticks << Math.Min(doublings, 20)));

    private async Task<(ObservedContainer? Sandbox, bool PodDone)> EnsureSandboxAsync(Pod pod, PodObservation observation, CancellationToken cancellationToken)
    {
        var spec = pod.Spec ?? new PodSpec();
        var hostNetwork = spec.HostNetwork == true;
        if (observation.Sandbox is { Running: true } running && (hostNetwork || running.IpAddress.Length > 0))
        {
            Volatile.Write(ref _podIp, hostNetwork ? _s.Options.NodeIp : running.IpAddress);
            return (running, false);
        }

        var old = observation.Sandbox;
        var appContainers = observation.Containers.Where(c => !c.IsSandbox).ToList();
        if (old is not null && appContainers.Count > 0)
        {
            var policy = spec.RestartPolicy ?? "Always";
            var allSucceeded = (spec.Containers ?? []).All(c => observation.Latest(c.Name ?? "") is { Exited: true, ExitCode: 0 });
            if (policy == "Never" || (policy == "OnFailure" && allSucceeded))
            {
                return (null, true);
            }

            _s.Events.Record(pod, "Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
            await DisposeProbesAsync(_ => true).ConfigureAwait(false);
            foreach (var container in appContainers.Where(c => c.Running))
            {
                await _s.Docker.KillContainerAsync(container.Id, "SIGKILL", cancellationToken).ConfigureAwait(false);
            }
        }

        var now = _s.Time.GetUtcNow();
        if (old is not null && now < _sandboxNotBefore)
        {
            // A sandbox that keeps dying (e.g. while dockerd shuts down) is re-created with backoff, not in a loop.
            ScheduleWake(_sandboxNotBefore);
            return (null, false);
        }

        Volatile.Write(ref _podIp, null);
        try
        {
            if (await _s.Docker.InspectImageAsync(_s.Options.PauseImage, cancellationToken).ConfigureAwait(false) is null)
            {
                await _s.Docker.PullImageAsync(_s.Options.PauseImage, null, cancellationToken).ConfigureAwait(false);
            }

            var name = new DockerContainerName(DockerContainerName.SandboxContainerName, pod.Metadata?.Name ?? "", pod.Metadata?.Namespace ?? "", Uid, old is null ? 0 : old.Name.Attempt + 1);
            var config = SandboxConfig.Build(pod, _s.Options);
            var id = await CreateOrAdoptAsync(name.ToString(), config, cancellationToken).ConfigureAwait(false);
            await _s.Docker.StartContainerAsync(id, cancellationToken).ConfigureAwait(false);
            var inspect = await _s.Docker.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
            if (PodDns.ResolvConf(config["HostConfig"]!.AsObject()) is { } resolvConf && inspect?["ResolvConfPath"]?.GetValue<string>() is { Length: > 0 } resolvConfPath)
            {
                // App containers joined to the sandbox share this file.
                await File.WriteAllTextAsync(resolvConfPath, resolvConf, cancellationToken).ConfigureAwait(false);
            }

            var sandbox = inspect is null ? null : ObservedContainer.FromInspect(inspect, _s.Options.NetworkName);
            if (sandbox is not { Running: true } || (!hostNetwork && sandbox.IpAddress.Length == 0))
            {
                throw new DockerException(500, "the sandbox did not come up with an IP address");
            }

            Volatile.Write(ref _podIp, hostNetwork ? _s.Options.NodeIp : sandbox.IpAddress);
            _s.Logger.SandboxCreated(sandbox.Name.ToString(), PodName, _podIp ?? "");
            if (old is not null)
            {
                // The first re-creation is immediate; more within a short time wait longer each time.
                _sandboxRecreations = now - _lastSandboxRecreation > 2 * _s.Options.BackoffMax ? 1 : _sandboxRecreations + 1;
                _lastSandboxRecreation = now;
                _sandboxNotBefore = now + RestartDelay(_sandboxRecreations - 1);
            }

            foreach (var dead in observation.Sandboxes)
            {
                await _s.Docker.RemoveContainerAsync(dead.Id, force: true, removeVolumes: false, cancellationToken).ConfigureAwait(false);
            }

            return (sandbox, false);
        }
        catch (DockerException e)
        {
            _s.Events.Record(pod, "Warning", "FailedCreatePodSandBox", $"Failed to create pod sandbox: {e.Message}");
            _sandboxNotBefore = now + _s.Options.BackoffBase;
            ScheduleWake(_sandboxNotBefore);
            return (null, false);
        }
    }

    /// <summary>Runs init containers one after another; true once all have completed (sidecars: started).</summary>
    private async Task<bool> SyncInitContainersAsync(Pod pod, PodObservation observation, ObservedContainer sandbox, CancellationToken cancellationToken)
    {
        var restartPolicy = pod.Spec?.RestartPolicy ?? "Always";
        foreach (var container in pod.Spec?.InitContainers ?? [])
        {
            var name = container.Name ?? "";
            var latest = observation.Latest(name);
            var current = latest?.SandboxId == sandbox.Id ? latest : null;
            if (PodPhases.IsSidecar(container))
            {
                if (current is { Running: true })
                {
                    var probes = await SyncRunningAsync(pod, container, current, isInit: true, cancellationToken).ConfigureAwait(false);
                    if (probes?.Started == false)
                    {
                        return false;
                    }

                    continue;
                }

                await StartOrRestartAsync(pod, container, latest, current, isInit: true, cancellationToken).ConfigureAwait(false);
                return false;
            }

            if (current is { Exited: true, ExitCode: 0 })
            {
                continue;
            }

            if (current is { Running: true })
            {
                return false;
            }

            if (current is { Exited: true } && restartPolicy == "Never")
            {
                // The pod fails: the phase computation sees the failed init container.
                return false;
            }

            await StartOrRestartAsync(pod, container, latest, current, isInit: true, cancellationToken).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    private async Task SyncAppContainersAsync(Pod pod, PodObservation observation, ObservedContainer sandbox, CancellationToken cancellationToken)
    {
        var restartPolicy = pod.Spec?.RestartPolicy ?? "Always";
        foreach (var container in pod.Spec?.Containers ?? [])
        {
            var latest = observation.Latest(container.Name ?? "");
            var current = latest?.SandboxId == sandbox.Id ? latest : null;
            if (current is { Running: true })
            {
                await SyncRunningAsync(pod, container, current, isInit: false, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (current is { Exited: true } && !ShouldRestart(restartPolicy, current.ExitCode))
            {
                continue;
            }

            await StartOrRestartAsync(pod, container, latest, current, isInit: false, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool ShouldRestart(string restartPolicy, int exitCode) =>
        restartPolicy == "Always" || (restartPolicy == "OnFailure" && exitCode != 0);

    /// <summary>Keeps the probes of a running container going; kills it when liveness or startup failed.</summary>
    private async Task<ContainerProbes?> SyncRunningAsync(Pod pod, Container container, ObservedContainer current, bool isInit, CancellationToken cancellationToken)
    {
        var hasProbes = container.StartupProbe is not null || container.LivenessProbe is not null || container.ReadinessProbe is not null;
        if (!hasProbes || (isInit && !PodPhases.IsSidecar(container)))
        {
            return null;
        }

        if (!_probes.TryGetValue(current.Id, out var probes))
        {
            var name = container.Name ?? "";
            probes = new ContainerProbes(_s.Docker, current.Id, pod, container, _podIp ?? _s.Options.NodeIp, (_, _) => OnProbeChangeAsync(), (kind, outcome) => OnProbeFailed(name, kind, outcome), _s.Time);
            _probes[current.Id] = probes;
        }

        probes.Advance();
        if (probes.FailedKind is { } failed)
        {
            var kind = failed == ProbeKind.Startup ? "startup" : "liveness";
            _s.Events.Record(pod, "Normal", "Killing", $"Container {container.Name} failed {kind} probe, will be restarted", FieldPath(container, isInit));
            _probes.Remove(current.Id);
            await probes.DisposeAsync().ConfigureAwait(false);
            var grace = (container.LivenessProbe ?? container.StartupProbe)?.TerminationGracePeriodSeconds ?? pod.Spec?.TerminationGracePeriodSeconds ?? 30;
            await StopContainerAsync(pod, container, current, (int)grace, runPreStop: true, cancellationToken).ConfigureAwait(false);
            Wake();
            return null;
        }

        return probes;
    }

    private Task OnProbeChangeAsync()
    {
        Wake();
        return Task.CompletedTask;
    }

    /// <summary>Every failed attempt is an Unhealthy event (repeats are counted by the event recorder), as upstream.</summary>
    private void OnProbeFailed(string containerName, ProbeKind kind, ProbeOutcome outcome)
    {
        var container = (_pod.Spec?.Containers ?? []).Concat(_pod.Spec?.InitContainers ?? []).FirstOrDefault(c => c.Name == containerName);
        _s.Events.Record(_pod, "Warning", "Unhealthy", $"{kind} probe failed: {outcome.Message}", container is null ? null : FieldPath(container, _pod.Spec?.InitContainers?.Contains(container) == true));
    }

    /// <summary>Starts the container's first attempt in this sandbox, or its next one after an exit (with CrashLoopBackOff).</summary>
    private async Task StartOrRestartAsync(Pod pod, Container container, ObservedContainer? latest, ObservedContainer? current, bool isInit, CancellationToken cancellationToken)
    {
        var name = container.Name ?? "";
        if (current is { NeverStarted: true })
        {
            // Created but not started (the agent stopped in between): start that attempt.
            await StartCreatedAsync(pod, container, current.Id, isInit, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (current is { Exited: true } exited)
        {
            var finished = exited.FinishedAt ?? _s.Time.GetUtcNow();
            if (exited.StartedAt is { } started && finished - started >= 2 * _s.Options.BackoffMax)
            {
                // It ran long enough to count as healthy: the next crash starts from the base delay.
                _crashBackoff.Reset(name);
            }

            if (_crashBackoff.IsInBackOff(name, finished, out var until))
            {
                var delay = _crashBackoff.Delay(name) ?? _s.Options.BackoffBase;
                _waiting[name] = new ContainerWaiting("CrashLoopBackOff", $"back-off {GoDuration.Format(delay)} restarting failed container={name} pod={PodDescription}");
                if (_backoffReported.Add(exited.Id))
                {
                    _s.Events.Record(pod, "Warning", "BackOff", $"Back-off restarting failed container {name} in pod {PodDescription}", FieldPath(container, isInit));
                }

                ScheduleWake(until);
                return;
            }

            _crashBackoff.Next(name);
        }

        var attempt = latest is null ? 0 : latest.Name.Attempt + 1;
        await CreateAndStartAsync(pod, container, attempt, isInit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The pod with status.podIP(s)/hostIP(s) as this node knows them: the API object may not carry them yet when
    /// its first containers are created, and fieldRef env needs them.
    /// </summary>
    private Pod WithRuntimeAddresses(Pod pod)
    {
        var podIp = _podIp ?? "";
        return new Pod
        {
            ApiVersion = pod.ApiVersion,
            Kind = pod.Kind,
            Metadata = pod.Metadata,
            Spec = pod.Spec,
            Status = new PodStatus
            {
                PodIP = podIp,
                PodIPs = podIp.Length == 0 ? [] : [new PodIP { Ip = podIp }],
                HostIP = _s.Options.NodeIp,
                HostIPs = [new HostIP { Ip = _s.Options.NodeIp }],
            },
        };
    }

    private async Task CreateAndStartAsync(Pod pod, Container container, int attempt, bool isInit, CancellationToken cancellationToken)
    {
        var name = container.Name ?? "";
        var fieldPath = FieldPath(container, isInit);
        var sandboxId = (await ObserveAsync(cancellationToken).ConfigureAwait(false)).Sandbox?.Id ?? "";
        if (await _puller.EnsureAsync(pod, container, fieldPath, cancellationToken).ConfigureAwait(false) is { } pullWaiting)
        {
            _waiting[name] = pullWaiting;
            ScheduleWake(_s.Time.GetUtcNow() + _s.Options.BackoffBase);
            return;
        }

        JsonObject config;
        try
        {
            _volumes ??= await _s.Volumes.PrepareAsync(pod, cancellationToken).ConfigureAwait(false);
            var environment = await ContainerInputs.EnvironmentAsync(WithRuntimeAddresses(pod), container, _s.Cluster, cancellationToken).ConfigureAwait(false);
            var mounts = ContainerInputs.Mounts(container, _volumes, environment);
            var messageFile = TerminationMessages.Prepare(_s.Options.PodsRoot, Uid, name, attempt);
            config = AppContainerConfig.Build(
                pod, container, attempt, sandboxId, _s.Options, environment,
                ContainerInputs.Expand(container.Command, environment), ContainerInputs.Expand(container.Args, environment), mounts, messageFile);
        }
        catch (PodInputException e)
        {
            if (e.Reason == "FailedMount")
            {
                _s.Events.Record(pod, "Warning", "FailedMount", e.Message);
                _waiting[name] = new ContainerWaiting("ContainerCreating");
            }
            else
            {
                _s.Events.Record(pod, "Warning", "Failed", $"Error: {e.Message}", fieldPath);
                _waiting[name] = new ContainerWaiting(e.Reason, e.Message);
            }

            ScheduleWake(_s.Time.GetUtcNow() + _s.Options.BackoffBase);
            return;
        }

        var dockerName = new DockerContainerName(name, pod.Metadata?.Name ?? "", pod.Metadata?.Namespace ?? "", Uid, attempt).ToString();
        string id;
        try
        {
            id = await CreateOrAdoptAsync(dockerName, config, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerException e)
        {
            _s.Events.Record(pod, "Warning", "Failed", $"Error: {e.Message}", fieldPath);
            _waiting[name] = new ContainerWaiting("CreateContainerError", e.Message);
            ScheduleWake(_s.Time.GetUtcNow() + _s.Options.BackoffBase);
            return;
        }

        _s.Events.Record(pod, "Normal", "Created", $"Created container {name}", fieldPath);
        await StartCreatedAsync(pod, container, id, isInit, cancellationToken).ConfigureAwait(false);
    }

    private async Task StartCreatedAsync(Pod pod, Container container, string id, bool isInit, CancellationToken cancellationToken)
    {
        var name = container.Name ?? "";
        var fieldPath = FieldPath(container, isInit);
        try
        {
            await _s.Docker.StartContainerAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerException e)
        {
            // The container is left exited with Docker's error: the next sync restarts it with backoff.
            _s.Events.Record(pod, "Warning", "Failed", $"Error: {e.Message}", fieldPath);
            Wake();
            return;
        }

        _s.Events.Record(pod, "Normal", "Started", $"Started container {name}", fieldPath);
        _s.Logger.ContainerStarted(name, PodName);
        if (container.Lifecycle?.PostStart is { } postStart)
        {
            var context = new ProbeContext(_s.Docker, id, pod, container, _podIp ?? _s.Options.NodeIp);
            var outcome = await ProbeRunner.RunHookAsync(postStart, context, cancellationToken).ConfigureAwait(false);
            if (!outcome.Success)
            {
                _s.Events.Record(pod, "Warning", "FailedPostStartHook", outcome.Message, fieldPath);
                _s.Events.Record(pod, "Normal", "Killing", "FailedPostStartHook", fieldPath);
                await _s.Docker.StopContainerAsync(id, (int)(pod.Spec?.TerminationGracePeriodSeconds ?? 30), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Creates a container; a name conflict means it exists already (an earlier attempt of ours): adopt it.</summary>
    private async Task<string> CreateOrAdoptAsync(string name, JsonObject config, CancellationToken cancellationToken)
    {
        try
        {
            return await _s.Docker.CreateContainerAsync(name, config, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerException e) when (e.IsConflict)
        {
            var existing = await _s.Docker.InspectContainerAsync(name, cancellationToken).ConfigureAwait(false);
            if (existing?["Id"]?.GetValue<string>() is not { } id)
            {
                throw;
            }

            return id;
        }
    }

    /// <summary>Graceful deletion: preStop hooks, then stop every container within the grace period, then the sandbox.</summary>
    private async Task TerminateAsync(Pod pod, PodObservation observation, CancellationToken cancellationToken)
    {
        var now = _s.Time.GetUtcNow();
        _terminationStarted ??= now;
        var grace = pod.Metadata?.DeletionGracePeriodSeconds ?? pod.Spec?.TerminationGracePeriodSeconds ?? 30;
        var deadline = _terminationStarted.Value + TimeSpan.FromSeconds(grace);
        await DisposeProbesAsync(_ => true).ConfigureAwait(false);
        var specs = (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []).ToList();
        await Task.WhenAll(observation.Containers.Where(c => !c.IsSandbox && c.Running).Select(c =>
        {
            var spec = specs.FirstOrDefault(s => s.Name == c.Name.ContainerName) ?? new Container { Name = c.Name.ContainerName };
            var remaining = (int)Math.Max(0, Math.Ceiling((deadline - _s.Time.GetUtcNow()).TotalSeconds));
            return StopContainerAsync(pod, spec, c, remaining, runPreStop: true, cancellationToken);
        })).ConfigureAwait(false);
        foreach (var sandbox in observation.Sandboxes.Where(s => s.Running))
        {
            await _s.Docker.StopContainerAsync(sandbox.Id, 0, cancellationToken).ConfigureAwait(false);
        }

        await WriteStatusAsync(pod, await ObserveAsync(cancellationToken).ConfigureAwait(false), podIsTerminal: true, cancellationToken).ConfigureAwait(false);
        if (!_deletionFinished)
        {
            await _s.Status.FinishDeletionAsync(pod, cancellationToken).ConfigureAwait(false);
            _deletionFinished = true;
        }
    }

    /// <summary>preStop (bounded by the grace period), then docker stop: SIGTERM, SIGKILL once the remaining grace is over.</summary>
    private async Task StopContainerAsync(Pod pod, Container container, ObservedContainer running, int graceSeconds, bool runPreStop, CancellationToken cancellationToken)
    {
        var fieldPath = FieldPath(container, pod.Spec?.InitContainers?.Any(c => c.Name == container.Name) == true);
        var started = _s.Time.GetUtcNow();
        if (runPreStop && container.Lifecycle?.PreStop is { } preStop && graceSeconds > 0)
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(TimeSpan.FromSeconds(graceSeconds));
            try
            {
                var outcome = await ProbeRunner.RunHookAsync(preStop, new ProbeContext(_s.Docker, running.Id, pod, container, _podIp ?? _s.Options.NodeIp), bounded.Token).ConfigureAwait(false);
                if (!outcome.Success)
                {
                    _s.Events.Record(pod, "Warning", "FailedPreStopHook", outcome.Message, fieldPath);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The hook used up the grace period: the container is killed right away.
            }
        }

        _s.Events.Record(pod, "Normal", "Killing", $"Stopping container {container.Name}", fieldPath);
        var remaining = (int)Math.Max(0, Math.Ceiling(graceSeconds - (_s.Time.GetUtcNow() - started).TotalSeconds));
        await _s.Docker.StopContainerAsync(running.Id, remaining, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops whatever still runs (app containers, then the sandbox) without removing anything.</summary>
    private async Task StopAllAsync(Pod pod, PodObservation observation, CancellationToken cancellationToken)
    {
        await DisposeProbesAsync(_ => true).ConfigureAwait(false);
        var running = observation.Containers.Where(c => !c.IsSandbox && c.Running).ToList();
        if (running.Count > 0)
        {
            var grace = (int)(pod.Spec?.TerminationGracePeriodSeconds ?? 30);
            var specs = (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []).ToList();
            await Task.WhenAll(running.Select(c => StopContainerAsync(
                pod, specs.FirstOrDefault(s => s.Name == c.Name.ContainerName) ?? new Container { Name = c.Name.ContainerName }, c, grace, runPreStop: true, cancellationToken))).ConfigureAwait(false);
        }

        foreach (var sandbox in observation.Sandboxes.Where(s => s.Running))
        {
            await _s.Docker.StopContainerAsync(sandbox.Id, 0, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<PodStatus> WriteStatusAsync(Pod pod, PodObservation observation, bool podIsTerminal, CancellationToken cancellationToken)
    {
        var specs = (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []).ToList();
        foreach (var exited in observation.Containers.Where(c => !c.IsSandbox && c.Exited && !_terminationMessages.ContainsKey(c.Id)))
        {
            if (specs.FirstOrDefault(s => s.Name == exited.Name.ContainerName) is { } spec)
            {
                _terminationMessages[exited.Id] = await TerminationMessages.ReadAsync(_s.Docker, exited, spec, _s.Options.PodsRoot, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var imageId in observation.Containers.Select(c => c.ImageId).Where(i => i.Length > 0 && !_imageIds.ContainsKey(i)).Distinct(StringComparer.Ordinal))
        {
            _imageIds[imageId] = await _puller.ImageIdAsync(imageId, cancellationToken).ConfigureAwait(false);
        }

        var status = PodStatusBuilder.Build(new PodStatusInputs
        {
            Pod = pod,
            Observation = observation,
            Now = _s.Time.GetUtcNow(),
            HostIp = _s.Options.NodeIp,
            PodIp = _podIp,
            StartTime = _startTime,
            Previous = _lastStatus,
            Waiting = new Dictionary<string, ContainerWaiting>(_waiting, StringComparer.Ordinal),
            Ready = ProbeResults(observation, specs, p => p.Ready, c => c.ReadinessProbe is null && c.StartupProbe is null),
            Started = ProbeResults(observation, specs, p => p.Started, c => c.StartupProbe is null),
            TerminationMessages = _terminationMessages,
            ImageIds = _imageIds,
            PodIsTerminal = podIsTerminal,
            FailureReason = _failure,
        });
        try
        {
            await _s.Status.WriteStatusAsync(pod, status, cancellationToken).ConfigureAwait(false);
            _lastStatus = status;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _s.Logger.StatusWriteFailed(PodName, e);
            ScheduleWake(_s.Time.GetUtcNow() + TimeSpan.FromSeconds(1));
        }

        return status;
    }

    /// <summary>
    /// A probe result per running container: its probe workers' view, or before they exist (the sync that started it),
    /// what the probes start as: not ready while a readiness or startup probe has yet to pass.
    /// </summary>
    private Dictionary<string, bool> ProbeResults(PodObservation observation, List<Container> specs, Func<ContainerProbes, bool> result, Func<Container, bool> withoutWorkers)
    {
        var results = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var running in observation.Containers.Where(c => !c.IsSandbox && c.Running))
        {
            if (_probes.TryGetValue(running.Id, out var probes))
            {
                results[running.Id] = result(probes);
            }
            else if (specs.FirstOrDefault(s => s.Name == running.Name.ContainerName) is { } spec)
            {
                results[running.Id] = withoutWorkers(spec);
            }
        }

        return results;
    }

    /// <summary>Keeps the current and the previous attempt of each container (for logs --previous) and the newest sandbox.</summary>
    private async Task CollectGarbageAsync(PodObservation observation, CancellationToken cancellationToken)
    {
        var names = observation.Containers.Where(c => !c.IsSandbox).Select(c => c.Name.ContainerName).Distinct(StringComparer.Ordinal);
        var stale = names.SelectMany(n => observation.Attempts(n).Skip(2)).Concat(observation.Sandboxes.Skip(1)).Where(c => !c.Running);
        foreach (var container in stale)
        {
            try
            {
                await _s.Docker.RemoveContainerAsync(container.Id, force: true, removeVolumes: false, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerException e)
            {
                // Left for the next sync (dockerd may still be releasing it): garbage must not fail the pod's sync.
                _s.Logger.DockerCallFailed(PodName, $"removing {container.Name}: {e.Message}");
                continue;
            }

            _terminationMessages.Remove(container.Id);
            _backoffReported.Remove(container.Id);
        }
    }

    private async Task DisposeProbesAsync(Func<string, bool> which)
    {
        foreach (var id in _probes.Keys.Where(which).ToList())
        {
            var probes = _probes[id];
            _probes.Remove(id);
            await probes.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string FieldPath(Container container, bool isInit) =>
        isInit ? $"spec.initContainers{{{container.Name}}}" : $"spec.containers{{{container.Name}}}";
}
