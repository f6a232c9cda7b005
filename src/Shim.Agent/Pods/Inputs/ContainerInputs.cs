using System.Text.Json.Nodes;
using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Inputs;

/// <summary>A container's environment, expanded command/args and mounts, as Docker's container create body wants them.</summary>
public static class ContainerInputs
{
    private const string ConfigError = "CreateContainerConfigError";

    /// <summary>
    /// The "Env" list ("NAME=value"): envFrom then env in order, with fieldRef, resourceFieldRef, configMapKeyRef and
    /// secretKeyRef resolved and $(VAR) references expanded. Throws <see cref="PodInputException"/> (reason
    /// CreateContainerConfigError) for a missing non-optional source. Unset limits read as 0 here; pass the node's
    /// allocatable to the other overload to get the kubelet's defaulting.
    /// </summary>
    public static Task<IReadOnlyList<string>> EnvironmentAsync(Pod pod, Container container, IClusterReader cluster, CancellationToken cancellationToken) =>
        EnvironmentAsync(pod, container, cluster, nodeAllocatable: null, cancellationToken);

    /// <summary>
    /// As the other overload; a resourceFieldRef to an unset (or zero) cpu, memory or ephemeral-storage limit reads
    /// the node's <paramref name="nodeAllocatable"/> instead, as the kubelet does.
    /// </summary>
    public static async Task<IReadOnlyList<string>> EnvironmentAsync(
        Pod pod,
        Container container,
        IClusterReader cluster,
        IReadOnlyDictionary<string, Quantity>? nodeAllocatable,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(cluster);

        var sources = new ClusterSources(cluster, pod.Metadata?.Namespace ?? "", ConfigError);
        // Insertion-ordered so the list reads in declaration order; a redefinition replaces the value in place.
        var environment = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        // Service variables come last and only where the container defines no variable of that name, but $(VAR)
        // references may use them, as the kubelet's expansion does.
        var services = ServiceEnvironment.For(pod, cluster.Services()).ToDictionary(StringComparer.Ordinal);

        foreach (var envFrom in container.EnvFrom ?? [])
        {
            IEnumerable<KeyValuePair<string, string>> entries;
            if (envFrom.ConfigMapRef is { } configMapRef)
            {
                var configMap = await sources.ConfigMapAsync(configMapRef.Name, configMapRef.Optional == true, cancellationToken).ConfigureAwait(false);
                entries = configMap?.Data ?? [];
            }
            else if (envFrom.SecretRef is { } secretRef)
            {
                var secret = await sources.SecretAsync(secretRef.Name, secretRef.Optional == true, cancellationToken).ConfigureAwait(false);
                entries = (secret?.Data ?? []).Select(pair => KeyValuePair.Create(pair.Key, ClusterSources.Text(pair.Value)));
            }
            else
            {
                continue;
            }

            // Keys are taken as sorted so the resulting order does not depend on how the API ordered the map.
            foreach (var (key, value) in entries.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                var name = envFrom.Prefix + key;
                if (IsUsableName(name))
                {
                    environment[name] = value;
                }
            }
        }

        foreach (var env in container.Env ?? [])
        {
            if (string.IsNullOrEmpty(env.Name))
            {
                continue;
            }

            var value = await ValueAsync(env, pod, container, sources, name => environment.GetValueOrDefault(name) ?? services.GetValueOrDefault(name), nodeAllocatable, cancellationToken).ConfigureAwait(false);
            if (value is not null)
            {
                environment[env.Name] = value;
            }
        }

        foreach (var (name, value) in services)
        {
            environment.TryAdd(name, value);
        }

        return environment.Select(pair => pair.Key + "=" + pair.Value).ToList();
    }

    /// <summary>Command or args with $(VAR) references expanded against the resolved environment ($$ escapes).</summary>
    public static IReadOnlyList<string>? Expand(IReadOnlyList<string>? values, IReadOnlyList<string> environment)
    {
        if (values is null)
        {
            return null;
        }

        var lookup = VariableExpansion.LookupFor(environment);
        return values.Select(value => VariableExpansion.Expand(value, lookup)).ToList();
    }

    /// <summary>
    /// The Docker "Mounts" array for the container's volumeMounts (subPath, readOnly, propagation). A subPathExpr
    /// has no variables to expand here; use the overload taking the environment for those.
    /// </summary>
    public static JsonArray Mounts(Container container, IReadOnlyDictionary<string, PreparedVolume> volumes) =>
        Mounts(container, volumes, []);

    /// <summary>
    /// The Docker "Mounts" array for the container's volumeMounts, with subPathExpr expanded against the container's
    /// resolved <paramref name="environment"/> ("NAME=value", from <see cref="EnvironmentAsync(Pod, Container, IClusterReader, CancellationToken)"/>).
    /// A missing subPath is created as a directory, as the kubelet does. Throws <see cref="PodInputException"/>
    /// (CreateContainerConfigError) for an unknown volume, a bad subPath or propagation mode.
    /// </summary>
    public static JsonArray Mounts(Container container, IReadOnlyDictionary<string, PreparedVolume> volumes, IReadOnlyList<string> environment)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(environment);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("container mounts need Linux");
        }

        var mounts = new JsonArray();
        foreach (var volumeMount in container.VolumeMounts ?? [])
        {
            if (volumeMount.Name is null || !volumes.TryGetValue(volumeMount.Name, out var volume))
            {
                throw new PodInputException(ConfigError, $"cannot find volume \"{volumeMount.Name}\" to mount into container \"{container.Name}\"");
            }

            var subPath = string.IsNullOrEmpty(volumeMount.SubPathExpr)
                ? volumeMount.SubPath
                : SubPaths.ExpandExpression(volumeMount.SubPathExpr, environment, ConfigError);
            var source = string.IsNullOrEmpty(subPath)
                ? volume.HostPath
                : SubPaths.Prepare(volume.HostPath, subPath, volumeMount.Name, container.Name, ConfigError);

            var target = volumeMount.MountPath ?? "";
            if (!target.StartsWith('/'))
            {
                // The kubelet makes container paths absolute the same way.
                target = "/" + target;
            }

            var bindOptions = new JsonObject { ["Propagation"] = Propagation(volumeMount.MountPropagation) };
            if (volumeMount.RecursiveReadOnly == "Enabled")
            {
                // "IfPossible" and "Disabled" get Docker's default for read-only binds (recursive where the kernel can).
                bindOptions["ReadOnlyForceRecursive"] = true;
            }

            mounts.Add(new JsonObject
            {
                ["Type"] = "bind",
                ["Source"] = source,
                ["Target"] = target,
                ["ReadOnly"] = volumeMount.ReadOnly == true || volume.ReadOnly,
                ["BindOptions"] = bindOptions,
            });
        }

        return mounts;
    }

    private static async Task<string?> ValueAsync(
        EnvVar env,
        Pod pod,
        Container container,
        ClusterSources sources,
        Func<string, string?> defined,
        IReadOnlyDictionary<string, Quantity>? nodeAllocatable,
        CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(env.Value))
        {
            // Only variables defined so far (envFrom, earlier env entries, service variables) expand; the rest stay as written.
            return VariableExpansion.Expand(env.Value, defined);
        }

        var from = env.ValueFrom;
        if (from?.FieldRef is { } fieldRef)
        {
            return PodFields.Value(pod, fieldRef.FieldPath, ConfigError);
        }

        if (from?.ResourceFieldRef is { } resourceFieldRef)
        {
            return ResourceFieldValues.Value(resourceFieldRef, pod, container, nodeAllocatable, ConfigError);
        }

        if (from?.ConfigMapKeyRef is { } configMapKeyRef)
        {
            var optional = configMapKeyRef.Optional == true;
            var configMap = await sources.ConfigMapAsync(configMapKeyRef.Name, optional, cancellationToken).ConfigureAwait(false);
            if (configMap is null)
            {
                return null;
            }

            if (configMap.Data?.TryGetValue(configMapKeyRef.Key ?? "", out var value) == true)
            {
                return value;
            }

            return optional
                ? null
                : throw new PodInputException(ConfigError, $"couldn't find key {configMapKeyRef.Key} in ConfigMap {sources.Namespace}/{configMapKeyRef.Name}");
        }

        if (from?.SecretKeyRef is { } secretKeyRef)
        {
            var optional = secretKeyRef.Optional == true;
            var secret = await sources.SecretAsync(secretKeyRef.Name, optional, cancellationToken).ConfigureAwait(false);
            if (secret is null)
            {
                return null;
            }

            if (secret.Data?.TryGetValue(secretKeyRef.Key ?? "", out var value) == true)
            {
                return ClusterSources.Text(value);
            }

            return optional
                ? null
                : throw new PodInputException(ConfigError, $"couldn't find key {secretKeyRef.Key} in Secret {sources.Namespace}/{secretKeyRef.Name}");
        }

        if (from?.FileKeyRef is not null)
        {
            throw new PodInputException(ConfigError, $"env var \"{env.Name}\": fileKeyRef is not supported");
        }

        // Neither a value nor a source: the variable is defined and empty.
        return "";
    }

    /// <summary>
    /// Since Kubernetes 1.34 (RelaxedEnvironmentVariableValidation) any printable ASCII name without '=' is valid and
    /// the kubelet no longer drops envFrom keys; names outside that cannot be written as Docker's NAME=value and are skipped.
    /// </summary>
    private static bool IsUsableName(string name) =>
        name.Length > 0 && name.All(c => c is >= ' ' and <= '~' and not '=');

    private static string Propagation(string? mode) => mode switch
    {
        null or "" or "None" => "rprivate",
        "HostToContainer" => "rslave",
        "Bidirectional" => "rshared",
        _ => throw new PodInputException(ConfigError, $"invalid MountPropagation mode: \"{mode}\""),
    };
}
