using System.Diagnostics;
using System.Globalization;
using System.Text;
using Shim.Docker;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>
/// Makes a container's image present per its imagePullPolicy, with the pod's imagePullSecrets, events and the
/// kubelet's ErrImagePull → ImagePullBackOff backoff. One per pod worker (the backoff is per pod and image).
/// </summary>
public sealed class ImagePuller
{
    private readonly IDockerClient _docker;
    private readonly IClusterReader _cluster;
    private readonly IEventRecorder _events;
    private readonly RestartBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, DateTimeOffset> _lastFailure = new(StringComparer.Ordinal);

    public ImagePuller(IDockerClient docker, IClusterReader cluster, IEventRecorder events, RestartBackoff backoff, TimeProvider time)
    {
        _docker = docker;
        _cluster = cluster;
        _events = events;
        _backoff = backoff;
        _time = time;
    }

    /// <summary>The policy the API server defaults: Always for :latest or untagged images, else IfNotPresent.</summary>
    public static string EffectivePolicy(Container container)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (container.ImagePullPolicy is { Length: > 0 } policy)
        {
            return policy;
        }

        var reference = ImageReference.Parse(container.Image ?? "");
        return reference.Digest is null && reference.Tag == "latest" ? "Always" : "IfNotPresent";
    }

    /// <summary>Null when the image is ready; otherwise why the container waits.</summary>
    public async Task<ContainerWaiting?> EnsureAsync(Pod pod, Container container, string fieldPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        var image = container.Image ?? "";
        if (image.Length == 0)
        {
            return new ContainerWaiting("InvalidImageName", "Failed to apply default image tag \"\": image name is empty");
        }

        var policy = EffectivePolicy(container);
        var present = await _docker.InspectImageAsync(image, cancellationToken).ConfigureAwait(false) is not null;
        if (policy == "Never" && !present)
        {
            var message = $"Container image \"{image}\" is not present with pull policy of Never";
            _events.Record(pod, "Warning", "ErrImageNeverPull", message, fieldPath);
            return new ContainerWaiting("ErrImageNeverPull", message);
        }

        if (present && policy != "Always")
        {
            _events.Record(pod, "Normal", "Pulled", $"Container image \"{image}\" already present on machine", fieldPath);
            return null;
        }

        if (_lastFailure.TryGetValue(image, out var failedAt) && _backoff.IsInBackOff(image, failedAt, out _))
        {
            var message = $"Back-off pulling image \"{image}\"";
            _events.Record(pod, "Normal", "BackOff", message, fieldPath);
            return new ContainerWaiting("ImagePullBackOff", message);
        }

        _events.Record(pod, "Normal", "Pulling", $"Pulling image \"{image}\"", fieldPath);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var auth = RegistryAuth.ForImage(image, await PullSecretsAsync(pod, cancellationToken).ConfigureAwait(false));
            await _docker.PullImageAsync(image, auth, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerException e)
        {
            _backoff.Next(image);
            _lastFailure[image] = _time.GetUtcNow();
            _events.Record(pod, "Warning", "Failed", $"Failed to pull image \"{image}\": {e.Message}", fieldPath);
            _events.Record(pod, "Warning", "Failed", "Error: ErrImagePull", fieldPath);
            return new ContainerWaiting("ErrImagePull", $"failed to pull image \"{image}\": {e.Message}");
        }

        _backoff.Reset(image);
        _lastFailure.Remove(image);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var size = (await _docker.InspectImageAsync(image, cancellationToken).ConfigureAwait(false))?["Size"]?.GetValue<long>() ?? 0;
        _events.Record(pod, "Normal", "Pulled", string.Create(
            CultureInfo.InvariantCulture,
            $"Successfully pulled image \"{image}\" in {Duration(elapsed)} ({Duration(elapsed)} including waiting). Image size: {size} bytes."), fieldPath);
        return null;
    }

    /// <summary>The imageID of a container status: docker-pullable://repo@digest when the image has a repo digest.</summary>
    public async Task<string> ImageIdAsync(string imageId, CancellationToken cancellationToken)
    {
        var inspect = await _docker.InspectImageAsync(imageId, cancellationToken).ConfigureAwait(false);
        if (inspect?["RepoDigests"] is System.Text.Json.Nodes.JsonArray { Count: > 0 } digests && digests[0]?.GetValue<string>() is { Length: > 0 } digest)
        {
            return "docker-pullable://" + digest;
        }

        return "docker://" + imageId;
    }

    private async Task<List<string>> PullSecretsAsync(Pod pod, CancellationToken cancellationToken)
    {
        var payloads = new List<string>();
        foreach (var reference in pod.Spec?.ImagePullSecrets ?? [])
        {
            if (reference.Name is not { Length: > 0 } name
                || await _cluster.GetSecretAsync(pod.Metadata?.Namespace ?? "default", name, cancellationToken).ConfigureAwait(false) is not { } secret)
            {
                continue;
            }

            foreach (var key in new[] { ".dockerconfigjson", ".dockercfg" })
            {
                if (secret.Data?.GetValueOrDefault(key) is { } data)
                {
                    payloads.Add(Encoding.UTF8.GetString(data));
                }
            }
        }

        return payloads;
    }

    /// <summary>Go's duration style, as the kubelet's message prints it (e.g. 1.234s, 350ms).</summary>
    private static string Duration(TimeSpan elapsed) =>
        elapsed.TotalSeconds >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.###}s")
            : string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalMilliseconds:0.###}ms");
}
