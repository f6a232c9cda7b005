using Microsoft.Extensions.Logging;
using Shim.Client;
using Shim.Client.Matching;
using Shim.Controllers.Runtime;
using Shim.Controllers.StatefulSet;
using Shim.Model;
using Shim.Model.Apps.V1;
using Shim.Model.Core.V1;
using Shim.Model.Meta.V1;
using Ds = Shim.Model.Apps.V1.DaemonSet;

namespace Shim.Controllers.DaemonSet;

/// <summary>
/// Runs DaemonSets as upstream's daemon controller: one pod on every node the template fits (node selector, required
/// node affinity, tolerated taints), pinned to its node through node-name affinity for the scheduler to bind; surplus,
/// misplaced and failed pods are removed (failed ones with backoff per node) and replaced; template changes roll out
/// node by node (maxUnavailable, or maxSurge new-before-old) or wait for the user (OnDelete).
/// </summary>
public sealed partial class DaemonSetController
{
    public const string TemplateGenerationAnnotation = "deprecated.daemonset.template.generation";
    public const string TemplateGenerationLabel = "pod-template-generation";
    private static readonly TimeSpan FailedPodBackoffStart = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FailedPodBackoffMax = TimeSpan.FromMinutes(15);

    private readonly KubeClient _client;
    private readonly Informer<Ds> _daemonSets;
    private readonly Informer<Pod> _pods;
    private readonly Informer<Node> _nodes;
    private readonly Informer<ControllerRevision> _revisions;
    private readonly DaemonSetHistory _history;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly Expectations _expectations;
    private readonly WorkQueue _queue;
    private readonly ILogger _logger;
    private readonly Dictionary<string, (TimeSpan Delay, DateTimeOffset Until)> _failedPodBackoff = new(StringComparer.Ordinal);

    public DaemonSetController(KubeClient client, SharedInformers informers, EventRecorder events, TimeProvider time, ILoggerFactory loggers)
    {
        _client = client;
        _events = events;
        _time = time;
        _logger = loggers.CreateLogger<DaemonSetController>();
        _queue = new WorkQueue(time);
        _expectations = new Expectations(time);
        _daemonSets = informers.Get<Ds>();
        _pods = informers.Get<Pod>();
        _nodes = informers.Get<Node>();
        _revisions = informers.Get<ControllerRevision>();
        _history = new DaemonSetHistory(client, _revisions);
        _daemonSets.OnChange(ds => _queue.Add(Informer<Ds>.KeyOf(ds)));
        _pods.OnAdd(pod => Observed(pod, created: true));
        _pods.OnUpdate((old, pod) =>
        {
            if (old.Metadata?.DeletionTimestamp is null && pod.Metadata?.DeletionTimestamp is not null)
            {
                Observed(pod, created: false);
            }
            else if (OwnerKey(pod) is { } key)
            {
                _queue.Add(key);
            }
        });
        _pods.OnDelete(pod => Observed(pod, created: false));
        _nodes.OnChange(_ => EnqueueAll());
    }

    public Task RunAsync(CancellationToken cancellationToken) =>
        new ControllerLoop("daemonset", _queue, SyncAsync, _logger)
            .RunAsync([_daemonSets.Synced, _pods.Synced, _nodes.Synced, _revisions.Synced], cancellationToken);

    private static string? OwnerKey(Pod pod) =>
        OwnerReferences.ControllerOf(pod.Metadata) is { Kind: "DaemonSet", Name: { } name } ? $"{pod.Metadata!.Namespace}/{name}" : null;

    private void Observed(Pod pod, bool created)
    {
        if (OwnerKey(pod) is not { } key)
        {
            return;
        }

        if (created)
        {
            _expectations.CreationObserved(key);
        }
        else
        {
            _expectations.DeletionObserved(key);
        }

        _queue.Add(key);
    }

    private void EnqueueAll()
    {
        foreach (var ds in _daemonSets.List())
        {
            _queue.Add(Informer<Ds>.KeyOf(ds));
        }
    }

    private async Task SyncAsync(string key, CancellationToken cancellationToken)
    {
        var ds = _daemonSets.Get(key);
        if (ds is null)
        {
            _expectations.Forget(key);
            return;
        }

        if (ds.Metadata?.DeletionTimestamp is not null || ds.Spec is null)
        {
            return;
        }

        var nodes = _nodes.List();
        var pods = OwnedPods(ds);
        var byNode = pods.Select(p => (Node: DaemonSetNodes.TargetNodeName(p), Pod: p)).Where(x => x.Node is not null)
            .GroupBy(x => x.Node!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Pod).OrderBy(p => p.Metadata?.CreationTimestamp).ToList(), StringComparer.Ordinal);
        var (current, hash) = await _history.CurrentAsync(ds, cancellationToken).ConfigureAwait(false);

        if (_expectations.Satisfied(key))
        {
            var acted = await ManageAsync(key, ds, nodes, pods, byNode, hash, cancellationToken).ConfigureAwait(false);
            if (!acted && DaemonSetNodes.IsRollingUpdate(ds))
            {
                await RollAsync(key, ds, nodes, byNode, hash, cancellationToken).ConfigureAwait(false);
            }

            await _history.CleanupAsync(ds, current, pods, cancellationToken).ConfigureAwait(false);
        }

        await WriteStatusAsync(key, ds, nodes, byNode, hash, cancellationToken).ConfigureAwait(false);
    }

    private List<Pod> OwnedPods(Ds ds)
    {
        var selection = LabelSelection.From(ds.Spec!.Selector);
        return [.. _pods.List().Where(p => p.Metadata?.Namespace == ds.Metadata!.Namespace
            && OwnerReferences.IsControlledBy(p.Metadata, ds.Metadata) && selection.Matches(p.Metadata!.Labels))];
    }

    /// <summary>Creates the missing daemon pods and deletes surplus, misplaced and failed ones; true when it changed anything.</summary>
    private async Task<bool> ManageAsync(string key, Ds ds, IReadOnlyCollection<Node> nodes, List<Pod> pods, Dictionary<string, List<Pod>> byNode, string hash, CancellationToken cancellationToken)
    {
        var surge = DaemonSetNodes.IsRollingUpdate(ds) && ScaledValue.Resolve(DaemonSetNodes.Rolling(ds)?.MaxSurge, nodes.Count, roundUp: true, fallback: 0) > 0;
        var create = new List<string>();
        var delete = new List<Pod>();
        foreach (var node in nodes)
        {
            var name = node.Metadata!.Name!;
            var (shouldRun, shouldContinue) = DaemonSetNodes.Evaluate(node, ds);
            var onNode = byNode.GetValueOrDefault(name) ?? [];
            if (shouldRun && onNode.Count == 0)
            {
                create.Add(name);
            }
            else if (shouldContinue)
            {
                var running = new List<Pod>();
                foreach (var pod in onNode.Where(p => !PodStates.IsTerminating(p)))
                {
                    if (pod.Status?.Phase != "Failed")
                    {
                        running.Add(pod);
                    }
                    else if (FailedPodMayGo(key, ds, name))
                    {
                        Record(ds, "Warning", "FailedDaemonPod", $"Found failed daemon pod {pod.Metadata!.Namespace}/{pod.Metadata.Name} on node {name}, will try to kill it");
                        delete.Add(pod);
                    }
                }

                delete.AddRange(Duplicates(ds, running, hash, surge));
            }
            else
            {
                delete.AddRange(onNode.Where(p => !PodStates.IsTerminating(p)));
            }
        }

        // Pods pinned to a node that no longer exists will never be bound.
        var known = nodes.Select(n => n.Metadata!.Name!).ToHashSet(StringComparer.Ordinal);
        delete.AddRange(pods.Where(p => string.IsNullOrEmpty(p.Spec?.NodeName) && !PodStates.IsTerminating(p)
            && DaemonSetNodes.TargetNodeName(p) is { } target && !known.Contains(target)));

        await SyncNodesAsync(key, ds, delete, create, hash, cancellationToken).ConfigureAwait(false);
        return create.Count > 0 || delete.Count > 0;
    }

    /// <summary>More than one live pod on a node: keep the oldest (with surge, the oldest updated and the oldest old one).</summary>
    private static IEnumerable<Pod> Duplicates(Ds ds, List<Pod> running, string hash, bool surge)
    {
        if (running.Count <= 1)
        {
            return [];
        }

        if (!surge)
        {
            return running.Skip(1);
        }

        var updated = running.Where(p => IsUpdated(ds, p, hash)).ToList();
        var old = running.Where(p => !IsUpdated(ds, p, hash)).ToList();
        return updated.Skip(1).Concat(old.Skip(1));
    }

    /// <summary>A failed pod is deleted at most once per backoff period per node, so a crashing daemon is not hot-looped.</summary>
    private bool FailedPodMayGo(string key, Ds ds, string node)
    {
        var backoffKey = $"{ds.Metadata!.Uid}/{node}";
        var now = _time.GetUtcNow();
        if (_failedPodBackoff.TryGetValue(backoffKey, out var entry) && now < entry.Until)
        {
            _queue.AddAfter(key, entry.Until - now);
            return false;
        }

        var delay = entry.Delay == TimeSpan.Zero || now - entry.Until > 2 * FailedPodBackoffMax
            ? FailedPodBackoffStart
            : TimeSpan.FromTicks(Math.Min(entry.Delay.Ticks * 2, FailedPodBackoffMax.Ticks));
        _failedPodBackoff[backoffKey] = (delay, now + delay);
        return true;
    }

    /// <summary>
    /// Replaces outdated pods. Without surge: deletes old pods while at most maxUnavailable daemon pods are unavailable
    /// (old pods that are unavailable anyway go at once). With surge: starts a new pod beside an old one on up to maxSurge
    /// nodes, and deletes the old pod once the new one is available.
    /// </summary>
    private async Task RollAsync(string key, Ds ds, IReadOnlyCollection<Node> nodes, Dictionary<string, List<Pod>> byNode, string hash, CancellationToken cancellationToken)
    {
        var desired = nodes.Count(n => DaemonSetNodes.Evaluate(n, ds).ShouldRun);
        var rolling = DaemonSetNodes.Rolling(ds);
        var maxSurge = ScaledValue.Resolve(rolling?.MaxSurge, desired, roundUp: true, fallback: 0);
        var maxUnavailable = ScaledValue.Resolve(rolling?.MaxUnavailable, desired, roundUp: true, fallback: 1);
        if (maxSurge == 0 && maxUnavailable == 0)
        {
            maxUnavailable = 1;
        }

        var minReady = ds.Spec!.MinReadySeconds ?? 0;
        var now = _time.GetUtcNow();
        var delete = new List<Pod>();
        var create = new List<string>();
        if (maxSurge == 0)
        {
            var unavailable = 0;
            var replaceNow = new List<Pod>();
            var candidates = new List<Pod>();
            foreach (var (_, onNode) in byNode.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!SplitByVersion(ds, onNode, hash, out var updated, out var old) || (updated is null) == (old is null))
                {
                    unavailable++;
                }
                else if (updated is not null)
                {
                    unavailable += PodStates.IsAvailable(updated, minReady, now) ? 0 : 1;
                }
                else if (!PodStates.IsAvailable(old!, minReady, now))
                {
                    replaceNow.Add(old!);
                }
                else if (unavailable < maxUnavailable)
                {
                    candidates.Add(old!);
                }
            }

            delete.AddRange(replaceNow);
            delete.AddRange(candidates.Take(Math.Max(0, maxUnavailable - unavailable)));
        }
        else
        {
            var surging = 0;
            var replaceNow = new List<string>();
            var candidates = new List<string>();
            foreach (var (node, onNode) in byNode.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!SplitByVersion(ds, onNode, hash, out var updated, out var old))
                {
                    surging++;
                }
                else if (old is null)
                {
                    // Nothing to replace here.
                }
                else if (updated is null)
                {
                    if (!PodStates.IsAvailable(old, minReady, now))
                    {
                        replaceNow.Add(node);
                    }
                    else if (surging < maxSurge)
                    {
                        candidates.Add(node);
                    }
                }
                else if (!PodStates.IsAvailable(updated, minReady, now))
                {
                    surging++;
                }
                else
                {
                    delete.Add(old);
                }
            }

            create.AddRange(replaceNow);
            create.AddRange(candidates.Take(Math.Max(0, maxSurge - surging)));
        }

        await SyncNodesAsync(key, ds, delete, create, hash, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The one updated and one outdated live pod on a node; false when there are several of either.</summary>
    private static bool SplitByVersion(Ds ds, List<Pod> onNode, string hash, out Pod? updated, out Pod? old)
    {
        updated = null;
        old = null;
        foreach (var pod in onNode.Where(p => !PodStates.IsTerminating(p)))
        {
            if (IsUpdated(ds, pod, hash))
            {
                if (updated is not null)
                {
                    return false;
                }

                updated = pod;
            }
            else
            {
                if (old is not null)
                {
                    return false;
                }

                old = pod;
            }
        }

        return true;
    }

    private static bool IsUpdated(Ds ds, Pod pod, string hash)
    {
        var labels = pod.Metadata?.Labels;
        var generation = TemplateGeneration(ds);
        return labels?.GetValueOrDefault(DaemonSetHistory.HashLabel) == hash
            || (generation is not null && labels?.GetValueOrDefault(TemplateGenerationLabel) == generation);
    }

    private static string? TemplateGeneration(Ds ds) => ds.Metadata?.Annotations?.GetValueOrDefault(TemplateGenerationAnnotation);

    private async Task SyncNodesAsync(string key, Ds ds, List<Pod> delete, List<string> create, string hash, CancellationToken cancellationToken)
    {
        if (delete.Count == 0 && create.Count == 0)
        {
            return;
        }

        _expectations.Expect(key, create.Count, delete.Count);
        foreach (var node in create)
        {
            var pod = NewPod(ds, node, hash);
            try
            {
                var created = await _client.CreateAsync(ResourcePath.For<Pod>(ds.Metadata!.Namespace), pod, cancellationToken).ConfigureAwait(false);
                Record(ds, "Normal", "SuccessfulCreate", $"Created pod: {created.Metadata?.Name}");
            }
            catch (ApiError e)
            {
                _expectations.CreationFailed(key);
                Record(ds, "Warning", "FailedCreate", $"Error creating: {e.Message}");
                throw;
            }
        }

        foreach (var pod in delete)
        {
            try
            {
                if (!await _client.DeleteAsync(ResourcePath.For<Pod>(pod.Metadata!.Namespace, pod.Metadata.Name), null, cancellationToken).ConfigureAwait(false))
                {
                    _expectations.DeletionObserved(key);
                }

                Record(ds, "Normal", "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
            }
            catch (ApiError e)
            {
                _expectations.DeletionFailed(key);
                Record(ds, "Warning", "FailedDelete", $"Error deleting: {e.Message}");
                throw;
            }
        }

        LogSynced(_logger, key, create.Count, delete.Count);
    }

    /// <summary>A daemon pod for <paramref name="node"/>: the template, the daemon tolerations, node-name affinity, version labels.</summary>
    private static Pod NewPod(Ds ds, string node, string hash)
    {
        var template = ModelCopy.Of(ds.Spec!.Template ?? new PodTemplateSpec());
        var spec = template.Spec ?? new PodSpec();
        spec.Tolerations = DaemonSetNodes.WithDaemonTolerations(spec.Tolerations, spec.HostNetwork == true);
        DaemonSetNodes.BindTo(spec, node);
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? [], StringComparer.Ordinal) { [DaemonSetHistory.HashLabel] = hash };
        if (TemplateGeneration(ds) is { } generation)
        {
            labels[TemplateGenerationLabel] = generation;
        }

        return new Pod
        {
            Metadata = new ObjectMeta
            {
                GenerateName = ds.Metadata!.Name + "-",
                Namespace = ds.Metadata.Namespace,
                Labels = labels,
                Annotations = template.Metadata?.Annotations,
                Finalizers = template.Metadata?.Finalizers,
                OwnerReferences = [OwnerReferences.ControllerReference(ds)],
            },
            Spec = spec,
        };
    }

    private async Task WriteStatusAsync(string key, Ds ds, IReadOnlyCollection<Node> nodes, Dictionary<string, List<Pod>> byNode, string hash, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var minReady = ds.Spec!.MinReadySeconds ?? 0;
        int desired = 0, scheduled = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
        TimeSpan? recheck = null;
        foreach (var node in nodes)
        {
            var (shouldRun, _) = DaemonSetNodes.Evaluate(node, ds);
            var onNode = byNode.GetValueOrDefault(node.Metadata!.Name!) ?? [];
            if (!shouldRun)
            {
                misscheduled += onNode.Count > 0 ? 1 : 0;
                continue;
            }

            desired++;
            if (onNode.Count == 0)
            {
                continue;
            }

            scheduled++;
            var pod = onNode[0];
            if (PodStates.IsReady(pod))
            {
                ready++;
                if (PodStates.IsAvailable(pod, minReady, now))
                {
                    available++;
                }
                else if (PodStates.UntilAvailable(pod, minReady, now) is { } wait && (recheck is null || wait < recheck))
                {
                    recheck = wait;
                }
            }

            if (IsUpdated(ds, pod, hash))
            {
                updated++;
            }
        }

        var status = new DaemonSetStatus
        {
            ObservedGeneration = ds.Metadata!.Generation,
            DesiredNumberScheduled = desired,
            CurrentNumberScheduled = scheduled,
            NumberMisscheduled = misscheduled,
            NumberReady = ready,
            NumberAvailable = available,
            NumberUnavailable = desired - available,
            UpdatedNumberScheduled = updated,
            CollisionCount = ds.Status?.CollisionCount,
            Conditions = ds.Status?.Conditions,
        };
        if (recheck is { } delay)
        {
            _queue.AddAfter(key, delay);
        }

        var body = ModelJson.Serialize(status);
        if (ds.Status is not null && ModelJson.Serialize(ds.Status) == body)
        {
            return;
        }

        await _client.PatchAsync<Ds>(ResourcePath.For<Ds>(ds.Metadata.Namespace, ds.Metadata.Name, "status"), KubeClient.MergePatch,
            "{\"status\":" + body + "}", cancellationToken).ConfigureAwait(false);
    }

    private void Record(Ds ds, string type, string reason, string message) =>
        _events.Record(new ObjectReference
        {
            ApiVersion = Ds.GroupVersionKind.ApiVersion,
            Kind = Ds.GroupVersionKind.Kind,
            Namespace = ds.Metadata!.Namespace,
            Name = ds.Metadata.Name,
            Uid = ds.Metadata.Uid,
            ResourceVersion = ds.Metadata.ResourceVersion,
        }, type, reason, message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "DaemonSet {Key}: created {Created} and deleted {Deleted} pods")]
    private static partial void LogSynced(ILogger logger, string key, int created, int deleted);
}
