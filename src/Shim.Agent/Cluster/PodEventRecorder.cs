using Shim.Agent.Pods;
using Shim.Client;
using Shim.Model.Core.V1;

namespace Shim.Agent.Cluster;

/// <summary>The pod runtime's events, recorded through the shared <see cref="EventRecorder"/>.</summary>
public sealed class PodEventRecorder(EventRecorder events) : IEventRecorder
{
    public void Record(Pod pod, string type, string reason, string message, string? fieldPath = null) =>
        events.Record(pod, type, reason, message, fieldPath);
}
