using System.Collections.Concurrent;
using Shim.Agent.Pods;
using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Pods;

/// <summary>Keeps every status written per pod uid and the finished deletions.</summary>
internal sealed class RecordingStatusWriter : IPodStatusWriter
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<PodStatus>> _history = new();

    public ConcurrentDictionary<string, bool> FinishedDeletions { get; } = new();

    public PodStatus? Latest(string uid) => _history.TryGetValue(uid, out var q) ? q.LastOrDefault() : null;

    public IReadOnlyList<PodStatus> History(string uid) => _history.TryGetValue(uid, out var q) ? [.. q] : [];

    public Task WriteStatusAsync(Pod pod, PodStatus status, CancellationToken cancellationToken)
    {
        // Stored as a copy: the caller may keep mutating nothing, but tests must see exactly what was written.
        var copy = ModelJson.Deserialize<PodStatus>(ModelJson.Serialize(status))!;
        _history.GetOrAdd(pod.Metadata!.Uid!, _ => new ConcurrentQueue<PodStatus>()).Enqueue(copy);
        return Task.CompletedTask;
    }

    public Task FinishDeletionAsync(Pod pod, CancellationToken cancellationToken)
    {
        FinishedDeletions[pod.Metadata!.Uid!] = true;
        return Task.CompletedTask;
    }
}
