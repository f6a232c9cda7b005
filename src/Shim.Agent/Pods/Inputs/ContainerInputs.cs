using System.Text.Json.Nodes;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Inputs;

/// <summary>A container's environment, expanded command/args and mounts, as Docker's container create body wants them.</summary>
public static class ContainerInputs
{
    /// <summary>
    /// The "Env" list ("NAME=value"): envFrom then env in order, with fieldRef, resourceFieldRef, configMapKeyRef and
    /// secretKeyRef resolved and $(VAR) references expanded. Throws <see cref="PodInputException"/> (reason
    /// CreateContainerConfigError) for a missing non-optional source.
    /// </summary>
    public static Task<IReadOnlyList<string>> EnvironmentAsync(Pod pod, Container container, IClusterReader cluster, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Command or args with $(VAR) references expanded against the resolved environment ($$ escapes).</summary>
    public static IReadOnlyList<string>? Expand(IReadOnlyList<string>? values, IReadOnlyList<string> environment) =>
        throw new NotImplementedException();

    /// <summary>The Docker "Mounts" array for the container's volumeMounts (subPath, readOnly, propagation).</summary>
    public static JsonArray Mounts(Container container, IReadOnlyDictionary<string, PreparedVolume> volumes) =>
        throw new NotImplementedException();
}
