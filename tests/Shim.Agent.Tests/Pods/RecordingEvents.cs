using System.Collections.Concurrent;
using Shim.Agent.Pods;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Pods;

/// <summary>Every recorded event as (pod uid, type, reason, message, fieldPath).</summary>
internal sealed class RecordingEvents : IEventRecorder
{
    public ConcurrentQueue<(string Uid, string Type, string Reason, string Message, string? FieldPath)> All { get; } = new();

    public void Record(Pod pod, string type, string reason, string message, string? fieldPath = null) =>
        All.Enqueue((pod.Metadata?.Uid ?? "", type, reason, message, fieldPath));

    public IReadOnlyList<string> Reasons(string uid) => [.. All.Where(e => e.Uid == uid).Select(e => e.Reason)];

    public IReadOnlyList<string> Messages(string uid, string reason) => [.. All.Where(e => e.Uid == uid && e.Reason == reason).Select(e => e.Message)];
}
