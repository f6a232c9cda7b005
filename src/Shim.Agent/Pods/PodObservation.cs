namespace Shim.Agent.Pods;

/// <summary>The Docker containers of one pod on this node, with the attempts ordered newest first.</summary>
public sealed class PodObservation
{
    public PodObservation(IReadOnlyList<ObservedContainer> containers)
    {
        Containers = containers;
        Sandboxes = [.. containers.Where(c => c.IsSandbox).OrderByDescending(c => c.Name.Attempt)];
    }

    public static PodObservation Empty { get; } = new([]);

    public IReadOnlyList<ObservedContainer> Containers { get; }

    /// <summary>The pod's sandboxes, newest attempt first.</summary>
    public IReadOnlyList<ObservedContainer> Sandboxes { get; }

    /// <summary>The current sandbox: the highest attempt.</summary>
    public ObservedContainer? Sandbox => Sandboxes.Count > 0 ? Sandboxes[0] : null;

    /// <summary>The attempts of one container, newest (highest restart count) first.</summary>
    public IReadOnlyList<ObservedContainer> Attempts(string containerName) =>
        [.. Containers.Where(c => !c.IsSandbox && c.Name.ContainerName == containerName).OrderByDescending(c => c.Name.Attempt)];

    public ObservedContainer? Latest(string containerName) => Attempts(containerName).FirstOrDefault();
}
