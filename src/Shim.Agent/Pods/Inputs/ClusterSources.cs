using System.Text;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Inputs;

/// <summary>
/// The ConfigMaps and Secrets of one pod's namespace, each read once per preparation so every reference to the same
/// object sees the same version.
/// </summary>
internal sealed class ClusterSources(IClusterReader cluster, string @namespace, string reason)
{
    private readonly Dictionary<string, ConfigMap?> _configMaps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Secret?> _secrets = new(StringComparer.Ordinal);

    public string Namespace { get; } = @namespace;

    /// <summary>The ConfigMap; null when it is missing and <paramref name="optional"/>; otherwise missing throws.</summary>
    public async Task<ConfigMap?> ConfigMapAsync(string? name, bool optional, CancellationToken cancellationToken)
    {
        name ??= "";
        if (!_configMaps.TryGetValue(name, out var configMap))
        {
            configMap = await cluster.GetConfigMapAsync(Namespace, name, cancellationToken).ConfigureAwait(false);
            _configMaps[name] = configMap;
        }

        // The kubelet's object cache reports a miss with the resource in the singular.
        return configMap ?? (optional ? null : throw new PodInputException(reason, $"configmap \"{name}\" not found"));
    }

    /// <summary>The Secret; null when it is missing and <paramref name="optional"/>; otherwise missing throws.</summary>
    public async Task<Secret?> SecretAsync(string? name, bool optional, CancellationToken cancellationToken)
    {
        name ??= "";
        if (!_secrets.TryGetValue(name, out var secret))
        {
            secret = await cluster.GetSecretAsync(Namespace, name, cancellationToken).ConfigureAwait(false);
            _secrets[name] = secret;
        }

        return secret ?? (optional ? null : throw new PodInputException(reason, $"secret \"{name}\" not found"));
    }

    /// <summary>Secret bytes as an environment value (Docker's env is JSON text, so UTF-8).</summary>
    public static string Text(byte[]? value) => value is null ? "" : Encoding.UTF8.GetString(value);
}
