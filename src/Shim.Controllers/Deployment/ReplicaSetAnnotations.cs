using System.Globalization;
using DeploymentKind = Shim.Model.Apps.V1.Deployment;
using ReplicaSetKind = Shim.Model.Apps.V1.ReplicaSet;

namespace Shim.Controllers.Deployments;

/// <summary>
/// The deployment.kubernetes.io annotations a Deployment keeps on its ReplicaSets (and itself): revision numbers and
/// their history, and the desired and maximum replica counts at the last scaling (for proportional scaling).
/// </summary>
public static class ReplicaSetAnnotations
{
    public const string Revision = "deployment.kubernetes.io/revision";
    public const string RevisionHistory = "deployment.kubernetes.io/revision-history";
    public const string DesiredReplicas = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicas = "deployment.kubernetes.io/max-replicas";
    public const string LastAppliedConfiguration = "kubectl.kubernetes.io/last-applied-configuration";
    public const string DeprecatedRollbackTo = "deprecated.deployment.rollback.to";

    /// <summary>As upstream: revision-history is capped at this many characters, dropping the oldest entries.</summary>
    private const int MaxRevisionHistoryLength = 2000;

    private static readonly HashSet<string> NotCopied = new(StringComparer.Ordinal)
    {
        LastAppliedConfiguration, Revision, RevisionHistory, DesiredReplicas, MaxReplicas, DeprecatedRollbackTo,
    };

    public static long RevisionOf(ReplicaSetKind rs) =>
        rs.Metadata?.Annotations?.GetValueOrDefault(Revision) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    public static long MaxRevision(IEnumerable<ReplicaSetKind> replicaSets) => replicaSets.Select(RevisionOf).DefaultIfEmpty(0).Max();

    public static int? DesiredReplicasOf(ReplicaSetKind rs) => IntAnnotation(rs, DesiredReplicas);

    public static int? MaxReplicasOf(ReplicaSetKind rs) => IntAnnotation(rs, MaxReplicas);

    /// <summary>
    /// Copies the Deployment's own annotations, raises the revision to <paramref name="newRevision"/> when it is lower
    /// (a rollback to an old ReplicaSet keeps its former numbers in revision-history), and on a ReplicaSet about to
    /// be created sets the replica annotations. True when anything changed.
    /// </summary>
    public static bool SetNewReplicaSetAnnotations(DeploymentKind d, ReplicaSetKind rs, long newRevision, bool exists, int maxSurge)
    {
        var changed = CopyDeploymentAnnotations(d, rs);
        var annotations = rs.Metadata!.Annotations ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var hadRevision = annotations.TryGetValue(Revision, out var oldText);
        long oldRevision = 0;
        if (hadRevision && !string.IsNullOrEmpty(oldText) && !long.TryParse(oldText, NumberStyles.Integer, CultureInfo.InvariantCulture, out oldRevision))
        {
            return false;
        }

        if (oldRevision < newRevision)
        {
            annotations[Revision] = newRevision.ToString(CultureInfo.InvariantCulture);
            changed = true;
            if (hadRevision)
            {
                AppendHistory(annotations, oldText ?? "");
            }
        }

        if (!exists && SetReplicasAnnotations(rs, d.Spec?.Replicas ?? 1, (d.Spec?.Replicas ?? 1) + maxSurge))
        {
            changed = true;
        }

        return changed;
    }

    public static bool ReplicasAnnotationsNeedUpdate(ReplicaSetKind rs, int desired, int max) =>
        rs.Metadata?.Annotations is not { } annotations
        || annotations.GetValueOrDefault(DesiredReplicas) != desired.ToString(CultureInfo.InvariantCulture)
        || annotations.GetValueOrDefault(MaxReplicas) != max.ToString(CultureInfo.InvariantCulture);

    public static bool SetReplicasAnnotations(ReplicaSetKind rs, int desired, int max)
    {
        var annotations = rs.Metadata!.Annotations ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var changed = false;
        foreach (var (key, value) in new[] { (DesiredReplicas, desired), (MaxReplicas, max) })
        {
            var text = value.ToString(CultureInfo.InvariantCulture);
            if (annotations.GetValueOrDefault(key) != text)
            {
                annotations[key] = text;
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Sets the Deployment's revision annotation; true when it changed.</summary>
    public static bool SetDeploymentRevision(DeploymentKind d, string revision)
    {
        var annotations = d.Metadata!.Annotations ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (annotations.GetValueOrDefault(Revision) == revision)
        {
            return false;
        }

        annotations[Revision] = revision;
        return true;
    }

    private static bool CopyDeploymentAnnotations(DeploymentKind d, ReplicaSetKind rs)
    {
        var annotations = rs.Metadata!.Annotations ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var changed = false;
        foreach (var (key, value) in d.Metadata?.Annotations ?? [])
        {
            if (NotCopied.Contains(key) || (annotations.TryGetValue(key, out var existing) && existing == value))
            {
                continue;
            }

            annotations[key] = value;
            changed = true;
        }

        return changed;
    }

    private static void AppendHistory(Dictionary<string, string> annotations, string oldRevision)
    {
        var history = annotations.GetValueOrDefault(RevisionHistory) ?? "";
        if (history.Length == 0)
        {
            annotations[RevisionHistory] = oldRevision;
            return;
        }

        var entries = history.Split(',').ToList();
        var length = history.Length + oldRevision.Length + 1;
        var start = 0;
        while (length > MaxRevisionHistoryLength && start < entries.Count)
        {
            length -= entries[start].Length + 1;
            start++;
        }

        if (length <= MaxRevisionHistoryLength)
        {
            annotations[RevisionHistory] = string.Join(',', entries.Skip(start).Append(oldRevision));
        }
    }

    private static int? IntAnnotation(ReplicaSetKind rs, string key) =>
        rs.Metadata?.Annotations?.GetValueOrDefault(key) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
