using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Client.Matching;
using Shim.Controllers.ReplicaSets;
using Shim.Controllers.Runtime;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using DeploymentKind = Shim.Model.Apps.V1.Deployment;
using ReplicaSetKind = Shim.Model.Apps.V1.ReplicaSet;

namespace Shim.Controllers.Deployments;

/// <summary>
/// Rolls Deployments out through ReplicaSets, as upstream's deployment controller: one ReplicaSet per pod template
/// (named by its pod-template-hash), RollingUpdate or Recreate between them, proportional scaling mid-rollout, pause,
/// revision bookkeeping, history cleanup and the Progressing/Available conditions `kubectl rollout status` reads.
/// </summary>
public sealed partial class DeploymentController
{
    private readonly KubeClient _client;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Informer<DeploymentKind> _deployments;
    private readonly Informer<ReplicaSetKind> _replicaSets;
    private readonly Informer<Pod> _pods;
    private readonly WorkQueue _queue;

    /// <summary>The resourceVersion of each Deployment's last write by this controller (status or revision).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _written = new(StringComparer.Ordinal);

    public DeploymentController(KubeClient client, SharedInformers informers, EventRecorder events, TimeProvider time, ILoggerFactory loggers)
    {
        _client = client;
        _events = events;
        _time = time;
        _logger = loggers.CreateLogger<DeploymentController>();
        _queue = new WorkQueue(time);
        _deployments = informers.Get<DeploymentKind>();
        _replicaSets = informers.Get<ReplicaSetKind>();
        _pods = informers.Get<Pod>();

        _deployments.OnChange(Enqueue);
        _replicaSets.OnAdd(ReplicaSetChanged);
        _replicaSets.OnUpdate(ReplicaSetUpdated);
        _replicaSets.OnDelete(ReplicaSetChanged);
        _pods.OnDelete(PodDeleted);
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("deployment", _queue, SyncAsync, _logger).RunAsync([_deployments.Synced, _replicaSets.Synced, _pods.Synced], cancellationToken);

    private void Enqueue(DeploymentKind d) => _queue.Add(Informer<DeploymentKind>.KeyOf(d));

    private void ReplicaSetChanged(ReplicaSetKind rs)
    {
        if (Owner(rs.Metadata) is { } d)
        {
            Enqueue(d);
        }
        else if (OwnerOf(rs.Metadata) is null)
        {
            EnqueueSelecting(rs.Metadata, rs.Metadata?.Labels);
        }
    }

    private void ReplicaSetUpdated(ReplicaSetKind old, ReplicaSetKind rs)
    {
        if (OwnerOf(old.Metadata)?.Uid != OwnerOf(rs.Metadata)?.Uid && Owner(old.Metadata) is { } previous)
        {
            Enqueue(previous);
        }

        ReplicaSetChanged(rs);
    }

    /// <summary>Recreate waits for the old pods to be gone, so their deletion is news.</summary>
    private void PodDeleted(Pod pod)
    {
        if (OwnerReferences.ControllerOf(pod.Metadata) is { Kind: "ReplicaSet" } reference
            && _replicaSets.Get(pod.Metadata!.Namespace, reference.Name ?? "") is { } rs && rs.Metadata?.Uid == reference.Uid
            && Owner(rs.Metadata) is { } d && !RolloutMath.IsRollingUpdate(d))
        {
            Enqueue(d);
        }
    }

    private static OwnerReference? OwnerOf(ObjectMeta? meta) =>
        OwnerReferences.ControllerOf(meta) is { Kind: "Deployment" } reference && reference.ApiVersion?.StartsWith("apps/", StringComparison.Ordinal) == true ? reference : null;

    private DeploymentKind? Owner(ObjectMeta? meta) =>
        OwnerOf(meta) is { } reference && _deployments.Get(meta!.Namespace, reference.Name ?? "") is { } d && d.Metadata?.Uid == reference.Uid ? d : null;

    private void EnqueueSelecting(ObjectMeta? meta, Dictionary<string, string>? labels)
    {
        foreach (var d in _deployments.List())
        {
            if (d.Metadata?.Namespace == meta?.Namespace && Selects(d, labels))
            {
                Enqueue(d);
            }
        }
    }

    private static bool Selects(DeploymentKind d, Dictionary<string, string>? labels) =>
        !SelectsEverything(d) && LabelSelection.From(d.Spec?.Selector).Matches(Labels.Of(labels));

    private static bool SelectsEverything(DeploymentKind d) =>
        d.Spec?.Selector is { } s && s.MatchLabels is not { Count: > 0 } && s.MatchExpressions is not { Count: > 0 };

    private async Task SyncAsync(string key, CancellationToken cancellationToken)
    {
        if (_deployments.Get(key) is not { } cached)
        {
            _written.TryRemove(key, out _);
            return;
        }

        if (IsBehindOwnWrite(key, cached))
        {
            // The cache has not shown our last write yet; its watch event brings the key back.
            return;
        }

        var state = new DeploymentSyncState(cached);
        var d = state.Deployment;
        if (SelectsEverything(d))
        {
            _events.Record(Reference(d), "Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
            if ((d.Status?.ObservedGeneration ?? 0) < (d.Metadata?.Generation ?? 0))
            {
                (d.Status ??= new()).ObservedGeneration = d.Metadata!.Generation;
                await WriteStatusAsync(state, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var replicaSets = await ClaimReplicaSetsAsync(d, cancellationToken).ConfigureAwait(false);
        if (d.Metadata!.DeletionTimestamp is not null)
        {
            var (newRs, oldRss) = await GetReplicaSetsAndSyncRevisionAsync(state, replicaSets, false, cancellationToken).ConfigureAwait(false);
            await SyncDeploymentStatusAsync(state, [.. oldRss, newRs], newRs, cancellationToken).ConfigureAwait(false);
            return;
        }

        await CheckPausedConditionsAsync(state, cancellationToken).ConfigureAwait(false);
        if (d.Spec?.Paused == true || await IsScalingEventAsync(state, replicaSets, cancellationToken).ConfigureAwait(false))
        {
            await SyncScalingAsync(state, replicaSets, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (RolloutMath.IsRollingUpdate(d))
        {
            await RolloutRollingAsync(state, replicaSets, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RolloutRecreateAsync(state, replicaSets, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The ReplicaSets this Deployment controls after adopting matching orphans and releasing non-matching ones.</summary>
    private async Task<List<ReplicaSetKind>> ClaimReplicaSetsAsync(DeploymentKind d, CancellationToken cancellationToken)
    {
        var claims = new ControllerClaims<DeploymentKind>(_client, d);
        var owned = new List<ReplicaSetKind>();
        foreach (var rs in _replicaSets.List().Where(rs => rs.Metadata?.Namespace == d.Metadata!.Namespace))
        {
            if (await claims.ClaimAsync(rs, Selects(d, rs.Metadata?.Labels), cancellationToken).ConfigureAwait(false))
            {
                owned.Add(rs);
            }
        }

        return owned;
    }

    /// <summary>
    /// Syncing from a copy older than our own last write would report progress that is already recorded (moving
    /// the progress deadline) or decide twice; resourceVersions here are the store's ordered revisions.
    /// </summary>
    private bool IsBehindOwnWrite(string key, DeploymentKind cached) =>
        _written.TryGetValue(key, out var written)
        && long.TryParse(cached.Metadata?.ResourceVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seen)
        && seen < written;

    private void RememberWrite(DeploymentKind written)
    {
        if (long.TryParse(written.Metadata?.ResourceVersion, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
        {
            _written[Informer<DeploymentKind>.KeyOf(written)] = version;
        }
    }

    private static ObjectReference Reference(DeploymentKind d) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Namespace = d.Metadata?.Namespace,
        Name = d.Metadata?.Name,
        Uid = d.Metadata?.Uid,
        ResourceVersion = d.Metadata?.ResourceVersion,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Deployment {Namespace}/{Name}: hash collision on ReplicaSet {ReplicaSet}, collisionCount now {Count}")]
    private static partial void LogCollision(ILogger logger, string? @namespace, string? name, string replicaSet, int count);
}
