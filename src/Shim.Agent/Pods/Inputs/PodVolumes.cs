using System.Runtime.Versioning;
using System.Text.Json;
using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Inputs;

/// <summary>
/// Materializes a pod's volumes on the host under <c>{podsRoot}/{podUid}/volumes/{plugin}/{name}</c> (the kubelet's
/// layout, e.g. <c>kubernetes.io~configmap</c>) so containers can bind-mount them: emptyDir (tmpfs for medium
/// Memory), configMap, secret, downwardAPI, projected, hostPath, and persistentVolumeClaim as a node-local directory.
/// Calls for one pod must not overlap (the pod worker serializes them); different pods may prepare concurrently.
/// </summary>
public sealed class PodVolumes
{
    private const string FailedMount = "FailedMount";
    private const int DefaultFileMode = 0x1A4; // 0644, the API's default for defaultMode
    private const UnixFileMode EmptyDirMode = (UnixFileMode)0x1FF; // 0777: any container user may write, as upstream

    public PodVolumes(IClusterReader cluster, string podsRoot)
    {
        Cluster = cluster;
        PodsRoot = podsRoot;
    }

    public IClusterReader Cluster { get; }

    public string PodsRoot { get; }

    /// <summary>
    /// The node's allocatable resources: a downwardAPI resourceFieldRef to an unset cpu, memory or ephemeral-storage
    /// limit reads these, as the kubelet does. Null reads such limits as 0.
    /// </summary>
    public IReadOnlyDictionary<string, Quantity>? NodeAllocatable { get; init; }

    /// <summary>Names the atomic writer's version directories.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Where persistentVolumeClaim volumes live: <c>{podsRoot}/../volumes/pvc</c>. There is no storage provisioner;
    /// a claim is a directory on this host named by namespace and claim, kept across pods (a StatefulSet's
    /// replacement pod finds its data) and never deleted by <see cref="CleanupAsync"/>.
    /// </summary>
    public string ClaimsRoot => Path.GetFullPath(Path.Join(PodsRoot, "..", "volumes", "pvc"));

    /// <summary>The pod's directory (<c>{podsRoot}/{podUid}</c>); other per-pod files (etc-hosts, logs) may live here too.</summary>
    public string PodDirectory(string podUid) =>
        HostPaths.IsSafeSegment(podUid)
            ? Path.Join(PodsRoot, podUid)
            : throw new ArgumentException($"invalid pod uid \"{podUid}\"", nameof(podUid));

    /// <summary>
    /// Creates or refreshes every volume of the pod; throws <see cref="PodInputException"/> (FailedMount, with the
    /// kubelet's message <c>MountVolume.SetUp failed for volume "v" : ...</c>) when one cannot be set up. Calling it
    /// again refreshes configMap, secret, downwardAPI and projected content in place: running containers see the
    /// new files through the atomically swapped <c>..data</c> link; emptyDir content is kept.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, PreparedVolume>> PrepareAsync(Pod pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("pod volumes are Linux mounts");
        }

        var podDirectory = PodDirectory(pod.Metadata?.Uid ?? "");
        var sources = new ClusterSources(Cluster, pod.Metadata?.Namespace ?? "", FailedMount);
        var prepared = new Dictionary<string, PreparedVolume>(StringComparer.Ordinal);
        foreach (var volume in pod.Spec?.Volumes ?? [])
        {
            var name = volume.Name ?? "";
            try
            {
                if (!HostPaths.IsSafeSegment(name))
                {
                    throw new PodInputException(FailedMount, "invalid volume name");
                }

                prepared[name] = await PrepareVolumeAsync(pod, volume, podDirectory, sources, cancellationToken).ConfigureAwait(false);
            }
            catch (PodInputException e)
            {
                throw new PodInputException(e.Reason, SetUpFailed(name, e.Message), e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                throw new PodInputException(FailedMount, SetUpFailed(name, e.Message), e);
            }
        }

        return prepared;
    }

    /// <summary>
    /// Unmounts every mount below the pod's directory (the tmpfs of memory emptyDirs) and deletes the directory
    /// without following symlinks. Throws <see cref="IOException"/> when something stays mounted (a container
    /// still using it); call again once the pod's containers are gone.
    /// </summary>
    public async Task CleanupAsync(string podUid, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("pod volumes are Linux mounts");
        }

        var podDirectory = PodDirectory(podUid);
        if (!Directory.Exists(podDirectory))
        {
            return;
        }

        foreach (var mountPoint in MountTable.MountPointsUnder(podDirectory))
        {
            await MountTable.UnmountAsync(mountPoint, cancellationToken).ConfigureAwait(false);
        }

        // Deleting through a mount would empty whatever is mounted there, so nothing may remain.
        var remaining = MountTable.MountPointsUnder(podDirectory);
        if (remaining.Count > 0)
        {
            throw new IOException($"pod {podUid}: still mounted: {string.Join(", ", remaining)}");
        }

        HostPaths.DeleteTree(podDirectory);
    }

    private static string SetUpFailed(string volumeName, string message) =>
        message.StartsWith("MountVolume.", StringComparison.Ordinal) ? message : $"MountVolume.SetUp failed for volume \"{volumeName}\" : {message}";

    [SupportedOSPlatform("linux")]
    private async Task<PreparedVolume> PrepareVolumeAsync(Pod pod, Volume volume, string podDirectory, ClusterSources sources, CancellationToken cancellationToken)
    {
        var name = volume.Name!;
        string PluginDirectory(string plugin) => Path.Join(podDirectory, "volumes", plugin, name);

        if (volume.ConfigMap is { } configMapSource)
        {
            var optional = configMapSource.Optional == true;
            var configMap = await sources.ConfigMapAsync(configMapSource.Name, optional, cancellationToken).ConfigureAwait(false);
            var payload = VolumePayloads.ConfigMap(configMap, configMapSource.Items, configMapSource.DefaultMode ?? DefaultFileMode, optional);
            return WriteFiles(PluginDirectory("kubernetes.io~configmap"), payload);
        }

        if (volume.Secret is { } secretSource)
        {
            var optional = secretSource.Optional == true;
            var secret = await sources.SecretAsync(secretSource.SecretName, optional, cancellationToken).ConfigureAwait(false);
            var payload = VolumePayloads.Secret(secret, secretSource.Items, secretSource.DefaultMode ?? DefaultFileMode, optional);
            return WriteFiles(PluginDirectory("kubernetes.io~secret"), payload);
        }

        if (volume.DownwardAPI is { } downwardApi)
        {
            var payload = VolumePayloads.DownwardApi(pod, downwardApi.Items, downwardApi.DefaultMode ?? DefaultFileMode, NodeAllocatable);
            return WriteFiles(PluginDirectory("kubernetes.io~downward-api"), payload);
        }

        if (volume.Projected is { } projected)
        {
            var payload = await ProjectedPayloadAsync(pod, projected, sources, cancellationToken).ConfigureAwait(false);
            return WriteFiles(PluginDirectory("kubernetes.io~projected"), payload);
        }

        if (volume.HostPath is { } hostPath)
        {
            var path = hostPath.Path ?? "";
            if (!path.StartsWith('/'))
            {
                throw new PodInputException(FailedMount, $"hostPath {path} must be an absolute path");
            }

            await HostPathCheck.CheckAsync(path, hostPath.Type, cancellationToken).ConfigureAwait(false);
            return new PreparedVolume(path, ReadOnly: false);
        }

        if (volume.PersistentVolumeClaim is { } claim)
        {
            // Single-host stand-in for a provisioner: the claim is a directory on this node (see ClaimsRoot).
            var @namespace = pod.Metadata?.Namespace ?? "";
            if (!HostPaths.IsSafeSegment(@namespace) || !HostPaths.IsSafeSegment(claim.ClaimName))
            {
                throw new PodInputException(FailedMount, $"invalid persistentVolumeClaim \"{claim.ClaimName}\"");
            }

            var directory = Path.Join(ClaimsRoot, @namespace, claim.ClaimName);
            Directory.CreateDirectory(directory);
            return new PreparedVolume(directory, claim.ReadOnly == true);
        }

        if (volume.EmptyDir is { } || SourceTypes(volume).Count == 0)
        {
            // A volume without a source is an emptyDir, as API defaulting makes it.
            return await EmptyDirAsync(PluginDirectory("kubernetes.io~empty-dir"), volume.EmptyDir, cancellationToken).ConfigureAwait(false);
        }

        throw new PodInputException(FailedMount, $"unsupported volume type {string.Join(", ", SourceTypes(volume))}: this node supports emptyDir, configMap, secret, downwardAPI, projected, hostPath and persistentVolumeClaim");
    }

    [SupportedOSPlatform("linux")]
    private PreparedVolume WriteFiles(string directory, Dictionary<string, FileProjection> payload)
    {
        AtomicWriter.Write(directory, payload, Time);
        return new PreparedVolume(directory, ReadOnly: true);
    }

    private async Task<Dictionary<string, FileProjection>> ProjectedPayloadAsync(Pod pod, ProjectedVolumeSource projected, ClusterSources sources, CancellationToken cancellationToken)
    {
        var defaultMode = projected.DefaultMode ?? DefaultFileMode;
        var payload = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        foreach (var source in projected.Sources ?? [])
        {
            Dictionary<string, FileProjection> files;
            if (source.ConfigMap is { } configMapProjection)
            {
                var optional = configMapProjection.Optional == true;
                var configMap = await sources.ConfigMapAsync(configMapProjection.Name, optional, cancellationToken).ConfigureAwait(false);
                files = VolumePayloads.ConfigMap(configMap, configMapProjection.Items, defaultMode, optional);
            }
            else if (source.Secret is { } secretProjection)
            {
                var optional = secretProjection.Optional == true;
                var secret = await sources.SecretAsync(secretProjection.Name, optional, cancellationToken).ConfigureAwait(false);
                files = VolumePayloads.Secret(secret, secretProjection.Items, defaultMode, optional);
            }
            else if (source.DownwardAPI is { } downwardApi)
            {
                files = VolumePayloads.DownwardApi(pod, downwardApi.Items, defaultMode, NodeAllocatable);
            }
            else
            {
                // serviceAccountToken, clusterTrustBundle and podCertificate need issuers this cluster does not have
                // yet: they contribute no files (a token path stays absent rather than holding a fake token).
                continue;
            }

            foreach (var (path, file) in files)
            {
                payload[path] = file;
            }
        }

        return payload;
    }

    [SupportedOSPlatform("linux")]
    private static async Task<PreparedVolume> EmptyDirAsync(string directory, EmptyDirVolumeSource? source, CancellationToken cancellationToken)
    {
        var medium = source?.Medium ?? "";
        if (medium is not ("" or "Memory"))
        {
            throw new PodInputException(FailedMount, $"emptyDir medium \"{medium}\" is not supported on this node");
        }

        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory);
            File.SetUnixFileMode(directory, EmptyDirMode);
        }

        if (medium == "Memory" && !MountTable.IsMountPoint(directory))
        {
            long? size = null;
            if (source?.SizeLimit is { } sizeLimit)
            {
                size = ResourceQuantity.TryParse(sizeLimit.Value, out var bytes) && bytes > 0
                    ? (long)decimal.Ceiling(bytes)
                    : throw new PodInputException(FailedMount, $"invalid emptyDir sizeLimit \"{sizeLimit.Value}\"");
            }

            await MountTable.MountTmpfsAsync(directory, size, cancellationToken).ConfigureAwait(false);
        }

        return new PreparedVolume(directory, ReadOnly: false);
    }

    /// <summary>The JSON names of the volume's sources ("nfs", "csi"), for messages.</summary>
    private static List<string> SourceTypes(Volume volume)
    {
        var json = JsonSerializer.SerializeToElement(volume, ModelJson.Options);
        return json.EnumerateObject().Select(property => property.Name).Where(name => name != "name").ToList();
    }
}
