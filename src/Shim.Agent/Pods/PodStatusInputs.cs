using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>Everything a pod's status is computed from: Docker's view plus what the pod worker knows.</summary>
public sealed record PodStatusInputs
{
    public required Pod Pod { get; init; }

    public required PodObservation Observation { get; init; }

    public required DateTimeOffset Now { get; init; }

    public required string HostIp { get; init; }

    /// <summary>The pod IP, or null before the sandbox has one.</summary>
    public string? PodIp { get; init; }

    public DateTimeOffset? StartTime { get; init; }

    /// <summary>The status last written (else the pod's): transition times and a terminal phase carry over.</summary>
    public PodStatus? Previous { get; init; }

    /// <summary>Why containers (by name) are waiting, as the last sync found.</summary>
    public IReadOnlyDictionary<string, ContainerWaiting> Waiting { get; init; } = new Dictionary<string, ContainerWaiting>();

    /// <summary>Readiness of running container instances (by Docker id); absent means "no readiness probe".</summary>
    public IReadOnlyDictionary<string, bool> Ready { get; init; } = new Dictionary<string, bool>();

    /// <summary>Startup-probe success of running container instances (by Docker id); absent means "no startup probe".</summary>
    public IReadOnlyDictionary<string, bool> Started { get; init; } = new Dictionary<string, bool>();

    /// <summary>Termination messages of exited container instances (by Docker id).</summary>
    public IReadOnlyDictionary<string, string> TerminationMessages { get; init; } = new Dictionary<string, string>();

    /// <summary>Image id (sha256:...) → the status imageID (docker-pullable://repo@digest or docker://sha256:...).</summary>
    public IReadOnlyDictionary<string, string> ImageIds { get; init; } = new Dictionary<string, string>();

    /// <summary>The pod will run nothing again (deleted, deadline exceeded, or done for good).</summary>
    public bool PodIsTerminal { get; init; }

    /// <summary>A terminal reason/message to report (e.g. DeadlineExceeded), which also fails the pod.</summary>
    public ContainerWaiting? FailureReason { get; init; }
}
