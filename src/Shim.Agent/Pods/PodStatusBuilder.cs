using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>Computes a pod's status (phase, conditions, container statuses, IPs, QoS) from <see cref="PodStatusInputs"/>.</summary>
public static class PodStatusBuilder
{
    public static PodStatus Build(PodStatusInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var pod = inputs.Pod;
        var spec = pod.Spec ?? new PodSpec();
        var previous = inputs.Previous ?? pod.Status;
        var initStatuses = (spec.InitContainers ?? []).Select(c => ContainerStatusOf(c, inputs, isInit: true)).ToList();
        var statuses = (spec.Containers ?? []).Select(c => ContainerStatusOf(c, inputs, isInit: false)).ToList();

        string phase;
        if (inputs.FailureReason is not null)
        {
            phase = PodPhases.Failed;
        }
        else if (PodPhases.IsTerminal(previous?.Phase))
        {
            // A terminal phase never changes back.
            phase = previous!.Phase!;
        }
        else
        {
            phase = PodPhases.Compute(spec, initStatuses, statuses, inputs.PodIsTerminal);
        }

        // Nothing runs in a pod that is done: no container can be ready.
        if (PodPhases.IsTerminal(phase))
        {
            foreach (var running in initStatuses.Concat(statuses).Where(s => s.State?.Running is not null))
            {
                running.Ready = false;
            }
        }

        var status = new PodStatus
        {
            Phase = phase,
            HostIP = inputs.HostIp,
            HostIPs = [new HostIP { Ip = inputs.HostIp }],
            PodIP = inputs.PodIp,
            PodIPs = inputs.PodIp is { Length: > 0 } ip ? [new PodIP { Ip = ip }] : null,
            StartTime = Seconds(inputs.StartTime),
            QosClass = QosClasses.Compute(spec),
            InitContainerStatuses = initStatuses.Count > 0 ? initStatuses : null,
            ContainerStatuses = statuses,
            Reason = inputs.FailureReason?.Reason ?? (PodPhases.IsTerminal(previous?.Phase) ? previous!.Reason : null),
            Message = inputs.FailureReason?.Message ?? (PodPhases.IsTerminal(previous?.Phase) ? previous!.Message : null),
            NominatedNodeName = previous?.NominatedNodeName,
        };
        status.Conditions = Conditions(inputs, spec, phase, initStatuses, statuses);
        return status;
    }

    private static List<PodCondition> Conditions(PodStatusInputs inputs, PodSpec spec, string phase, List<ContainerStatus> initStatuses, List<ContainerStatus> statuses)
    {
        var previous = (inputs.Previous ?? inputs.Pod.Status)?.Conditions ?? [];
        var conditions = new List<PodCondition>();
        var sandboxReady = inputs.Observation.Sandbox is { Running: true } && !string.IsNullOrEmpty(inputs.PodIp);
        conditions.Add(Condition("PodReadyToStartContainers", sandboxReady, null, null));

        var incomplete = (spec.InitContainers ?? [])
            .Where(c => initStatuses.FirstOrDefault(s => s.Name == c.Name) is not { } s
                || (PodPhases.IsSidecar(c) ? s.Started != true : s.State?.Terminated is not { ExitCode: 0 }))
            .Select(c => c.Name ?? "")
            .ToList();
        if (incomplete.Count == 0 || (phase == PodPhases.Succeeded))
        {
            conditions.Add(Condition("Initialized", true, phase == PodPhases.Succeeded && incomplete.Count > 0 ? "PodCompleted" : null, null));
        }
        else
        {
            conditions.Add(Condition("Initialized", false, "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(' ', incomplete)}]"));
        }

        var unready = statuses.Where(s => s.Ready != true).Select(s => s.Name ?? "")
            .Concat(initStatuses.Where((s, i) => PodPhases.IsSidecar(spec.InitContainers![i]) && s.Ready != true).Select(s => s.Name ?? ""))
            .ToList();
        PodCondition ready;
        if (phase == PodPhases.Succeeded)
        {
            ready = Condition("ContainersReady", false, "PodCompleted", null);
        }
        else if (unready.Count > 0)
        {
            ready = Condition("ContainersReady", false, "ContainersNotReady", $"containers with unready status: [{string.Join(' ', unready)}]");
        }
        else
        {
            ready = Condition("ContainersReady", true, null, null);
        }

        conditions.Add(ready);
        conditions.Add(Condition("Ready", ready.Status == "True", ready.Reason, ready.Message));

        // Conditions other parties own (PodScheduled, readiness gates, DisruptionTarget) stay as they are.
        var ours = conditions.Select(c => c.Type).ToHashSet(StringComparer.Ordinal);
        conditions.AddRange(previous.Where(c => !ours.Contains(c.Type)));
        foreach (var condition in conditions.Where(c => ours.Contains(c.Type)))
        {
            var before = previous.FirstOrDefault(c => c.Type == condition.Type);
            condition.LastTransitionTime = before is not null && before.Status == condition.Status
                ? before.LastTransitionTime
                : Seconds(inputs.Now);
        }

        return [.. conditions.OrderBy(c => ConditionOrder(c.Type))];
    }

    private static int ConditionOrder(string? type) => type switch
    {
        "PodReadyToStartContainers" => 0,
        "Initialized" => 1,
        "Ready" => 2,
        "ContainersReady" => 3,
        "PodScheduled" => 4,
        _ => 5,
    };

    private static PodCondition Condition(string type, bool value, string? reason, string? message) =>
        new() { Type = type, Status = value ? "True" : "False", Reason = reason, Message = message };

    private static ContainerStatus ContainerStatusOf(Container container, PodStatusInputs inputs, bool isInit)
    {
        var name = container.Name ?? "";
        var attempts = inputs.Observation.Attempts(name);
        var latest = attempts.Count > 0 ? attempts[0] : null;
        var before = attempts.Count > 1 ? attempts[1] : null;
        var waiting = inputs.Waiting.GetValueOrDefault(name);
        var status = new ContainerStatus
        {
            Name = name,
            Image = container.Image,
            ImageID = latest is null ? "" : inputs.ImageIds.GetValueOrDefault(latest.ImageId, "docker://" + latest.ImageId),
            RestartCount = latest?.Name.Attempt ?? 0,
            ContainerID = latest is null ? null : "docker://" + latest.Id,
            Ready = false,
            Started = false,
        };

        if (latest is { Running: true })
        {
            var started = inputs.Started.GetValueOrDefault(latest.Id, true);
            status.State = new ContainerState { Running = new ContainerStateRunning { StartedAt = Seconds(latest.StartedAt) } };
            status.Started = started;
            status.Ready = started && inputs.Ready.GetValueOrDefault(latest.Id, true) && (!isInit || PodPhases.IsSidecar(container));
            status.LastState = Terminated(before, inputs);
        }
        else if (latest is { Exited: true })
        {
            if (waiting is not null)
            {
                // About to be restarted (or backing off): the exit becomes the last state.
                status.State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = waiting.Reason, Message = waiting.Message } };
                status.LastState = Terminated(latest, inputs);
            }
            else
            {
                status.State = Terminated(latest, inputs);
                status.LastState = Terminated(before, inputs);
                // A completed init container counts as ready, as upstream reports it.
                status.Ready = isInit && latest.ExitCode == 0;
            }
        }
        else
        {
            var reason = waiting ?? new ContainerWaiting(isInit || InitDone(inputs) ? "ContainerCreating" : "PodInitializing");
            status.State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = reason.Reason, Message = reason.Message } };
            status.LastState = Terminated(before, inputs);
        }

        status.LastState ??= new ContainerState();
        return status;
    }

    private static bool InitDone(PodStatusInputs inputs) =>
        (inputs.Pod.Spec?.InitContainers ?? []).All(c =>
            inputs.Observation.Latest(c.Name ?? "") is { } latest
            && (PodPhases.IsSidecar(c) ? latest.Running : latest is { Exited: true, ExitCode: 0 }));

    private static ContainerState? Terminated(ObservedContainer? container, PodStatusInputs inputs)
    {
        if (container is not { Exited: true })
        {
            return null;
        }

        return new ContainerState
        {
            Terminated = new ContainerStateTerminated
            {
                ExitCode = container.ExitCode,
                Reason = TerminatedReason(container),
                Message = inputs.TerminationMessages.GetValueOrDefault(container.Id) is { Length: > 0 } message
                    ? message
                    : (container.Error.Length > 0 ? container.Error : null),
                StartedAt = Seconds(container.StartedAt),
                FinishedAt = Seconds(container.FinishedAt),
                ContainerID = "docker://" + container.Id,
            },
        };
    }

    /// <summary>The terminated reason the kubelet reports over Docker.</summary>
    public static string TerminatedReason(ObservedContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (container.OomKilled)
        {
            return "OOMKilled";
        }

        if (container.Error.Length > 0)
        {
            return "ContainerCannotRun";
        }

        return container.ExitCode == 0 ? "Completed" : "Error";
    }

    /// <summary>Kubernetes times carry whole seconds; truncating keeps unchanged statuses byte-identical.</summary>
    private static DateTimeOffset? Seconds(DateTimeOffset? time) =>
        time is { } t ? new DateTimeOffset(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero) : null;
}
