using Shim.Model.Core.V1;

namespace Shim.Controllers.Namespace;

/// <summary>
/// Turns what one pass of namespace deletion ran into into the namespace's status conditions, as upstream: every
/// condition type is always present, False with an "everything went fine" reason unless this pass found a problem.
/// </summary>
public sealed class NamespaceConditionUpdater(TimeProvider time)
{
    public const string DiscoveryFailure = "NamespaceDeletionDiscoveryFailure";
    public const string GroupVersionParsingFailure = "NamespaceDeletionGroupVersionParsingFailure";
    public const string ContentFailure = "NamespaceDeletionContentFailure";
    public const string ContentRemaining = "NamespaceContentRemaining";
    public const string FinalizersRemaining = "NamespaceFinalizersRemaining";

    private static readonly (string Type, string Reason, string Message)[] Healthy =
    [
        (DiscoveryFailure, "ResourcesDiscovered", "All resources successfully discovered"),
        (GroupVersionParsingFailure, "ParsedGroupVersions", "All legacy kube types successfully parsed"),
        (ContentFailure, "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
        (ContentRemaining, "ContentRemoved", "All content successfully removed"),
        (FinalizersRemaining, "ContentHasNoFinalizers", "All content-preserving finalizers finished"),
    ];

    private readonly List<NamespaceCondition> _problems = [];
    private readonly List<string> _contentErrors = [];

    public void DiscoveryFailed(string message) => Problem(DiscoveryFailure, "DiscoveryFailed", message);

    public void ContentDeletionFailed(string error) => _contentErrors.Add(error);

    /// <summary>What is left: instances per resource ("pods. has 2 resource instances") and per finalizer.</summary>
    public void Remaining(IReadOnlyDictionary<string, int> instancesByResource, IReadOnlyDictionary<string, int> instancesByFinalizer)
    {
        var resources = instancesByResource.Where(p => p.Value > 0).Select(p => $"{p.Key} has {p.Value} resource instances").Order(StringComparer.Ordinal).ToList();
        if (resources.Count > 0)
        {
            Problem(ContentRemaining, "SomeResourcesRemain", $"Some resources are remaining: {string.Join(", ", resources)}");
        }

        var finalizers = instancesByFinalizer.Where(p => p.Value > 0).Select(p => $"{p.Key} in {p.Value} resource instances").Order(StringComparer.Ordinal).ToList();
        if (finalizers.Count > 0)
        {
            Problem(FinalizersRemaining, "SomeFinalizersRemain", $"Some content in the namespace has finalizers remaining: {string.Join(", ", finalizers)}");
        }
    }

    /// <summary>Brings <paramref name="status"/>'s conditions up to date; true when anything changed.</summary>
    public bool Update(NamespaceStatus status)
    {
        if (_contentErrors.Count > 0 && _problems.All(c => c.Type != ContentFailure))
        {
            var errors = _contentErrors.Order(StringComparer.Ordinal).ToList();
            Problem(ContentFailure, "ContentDeletionFailed", $"Failed to delete all resource types, {errors.Count} remaining: {string.Join(", ", errors)}");
        }

        status.Conditions ??= [];
        var changed = false;
        var now = time.GetUtcNow();
        foreach (var (type, reason, message) in Healthy)
        {
            var wanted = _problems.FirstOrDefault(c => c.Type == type) ?? new NamespaceCondition { Type = type, Status = "False", Reason = reason, Message = message };
            var existing = status.Conditions.FirstOrDefault(c => c.Type == type);
            if (existing is null)
            {
                wanted.LastTransitionTime = now;
                status.Conditions.Add(wanted);
                changed = true;
            }
            else if (existing.Status != wanted.Status || existing.Reason != wanted.Reason || existing.Message != wanted.Message)
            {
                if (existing.Status != wanted.Status)
                {
                    existing.LastTransitionTime = now;
                }

                existing.Status = wanted.Status;
                existing.Reason = wanted.Reason;
                existing.Message = wanted.Message;
                changed = true;
            }
        }

        return changed;
    }

    private void Problem(string type, string reason, string message) =>
        _problems.Add(new NamespaceCondition { Type = type, Status = "True", Reason = reason, Message = message });
}
