using Shim.Client;
using Shim.Model.Core.V1;

namespace Shim.Controllers.Tests.Support;

/// <summary>
/// Plays the node agent in controller tests (no Docker here): writes the pod status an agent would report.
/// The lab conformance tests prove the same flows with real agents.
/// </summary>
public static class Kubelet
{
    public static Task<Pod> MarkReadyAsync(KubeClient client, Pod pod, bool ready = true, DateTimeOffset? since = null)
    {
        var time = (since ?? DateTimeOffset.UtcNow).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var flag = ready ? "True" : "False";
        var patch = $$$"""
            {"status":{"phase":"Running","podIP":"10.244.0.9","startTime":"{{{time}}}",
              "conditions":[{"type":"Ready","status":"{{{flag}}}","lastTransitionTime":"{{{time}}}"},
                            {"type":"ContainersReady","status":"{{{flag}}}","lastTransitionTime":"{{{time}}}"}]}}
            """;
        return client.PatchAsync<Pod>(ResourcePath.For<Pod>(pod.Metadata!.Namespace, pod.Metadata.Name, "status"), KubeClient.MergePatch, patch, CancellationToken.None);
    }

    public static Task<Pod> MarkFinishedAsync(KubeClient client, Pod pod, bool succeeded, int exitCode = 0)
    {
        var phase = succeeded ? "Succeeded" : "Failed";
        var reason = succeeded ? "Completed" : "Error";
        var container = pod.Spec?.Containers?.FirstOrDefault()?.Name ?? "app";
        var terminated = $$"""{"exitCode":{{exitCode}},"reason":"{{reason}}"}""";
        var patch = $$"""
            {"status":{"phase":"{{phase}}","containerStatuses":[
              {"name":"{{container}}","ready":false,"restartCount":0,"image":"busybox","imageID":"","state":{"terminated":{{terminated}} } } ] } }
            """;
        return client.PatchAsync<Pod>(ResourcePath.For<Pod>(pod.Metadata!.Namespace, pod.Metadata.Name, "status"), KubeClient.MergePatch, patch, CancellationToken.None);
    }
}
