using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>The pod phase from its container statuses, following the kubelet's rules.</summary>
public static class PodPhases
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

    public static bool IsTerminal(string? phase) => phase is Succeeded or Failed;

    /// <param name="podIsTerminal">The pod will not run containers again (deleted, or its sandbox is gone for good).</param>
    public static string Compute(PodSpec spec, IReadOnlyList<ContainerStatus> initStatuses, IReadOnlyList<ContainerStatus> statuses, bool podIsTerminal)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(initStatuses);
        ArgumentNullException.ThrowIfNull(statuses);
        var restartPolicy = spec.RestartPolicy ?? "Always";
        int pendingInit = 0, failedInit = 0;
        foreach (var init in spec.InitContainers ?? [])
        {
            var status = initStatuses.FirstOrDefault(s => s.Name == init.Name);
            if (IsSidecar(init))
            {
                // A running sidecar has done its part of initialization.
                if (status?.State?.Running is null || status.Started != true)
                {
                    pendingInit++;
                }

                continue;
            }

            if (status?.State?.Terminated is { } terminated)
            {
                if (terminated.ExitCode != 0)
                {
                    failedInit++;
                }
            }
            else if (status?.State?.Waiting is not null && status.LastState?.Terminated is { ExitCode: not 0 })
            {
                failedInit++;
            }
            else
            {
                pendingInit++;
            }
        }

        int unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var container in spec.Containers ?? [])
        {
            var status = statuses.FirstOrDefault(s => s.Name == container.Name);
            if (status?.State is not { } state)
            {
                unknown++;
            }
            else if (state.Running is not null)
            {
                running++;
            }
            else if (state.Terminated is { } terminated)
            {
                stopped++;
                if (terminated.ExitCode == 0)
                {
                    succeeded++;
                }
            }
            else if (state.Waiting is not null)
            {
                if (status.LastState?.Terminated is not null)
                {
                    stopped++;
                }
                else
                {
                    waiting++;
                }
            }
            else
            {
                unknown++;
            }
        }

        if (failedInit > 0 && restartPolicy == "Never")
        {
            return Failed;
        }

        if ((pendingInit > 0 || failedInit > 0) && !podIsTerminal)
        {
            return Pending;
        }

        if (waiting > 0 && !podIsTerminal)
        {
            return Pending;
        }

        if (running > 0 && unknown == 0 && !podIsTerminal)
        {
            return Running;
        }

        if (podIsTerminal)
        {
            // Everything was stopped for good: success only when every app container exited 0.
            return stopped > 0 && stopped == succeeded && running == 0 && unknown == 0 && waiting == 0 ? Succeeded : Failed;
        }

        if (running == 0 && stopped > 0 && unknown == 0)
        {
            if (restartPolicy == "Always")
            {
                return Running;
            }

            if (stopped == succeeded)
            {
                return Succeeded;
            }

            return restartPolicy == "Never" ? Failed : Running;
        }

        return Pending;
    }

    /// <summary>An init container with restartPolicy Always: a sidecar that runs beside the app containers.</summary>
    public static bool IsSidecar(Container container) => container?.RestartPolicy == "Always";
}
