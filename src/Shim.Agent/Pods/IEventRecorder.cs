using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>Records core/v1 Events about a pod (source component "kubelet", host = node name); never throws.</summary>
public interface IEventRecorder
{
    /// <param name="type">"Normal" or "Warning".</param>
    /// <param name="fieldPath">involvedObject.fieldPath, e.g. "spec.containers{app}", or null for the pod itself.</param>
    void Record(Pod pod, string type, string reason, string message, string? fieldPath = null);
}
