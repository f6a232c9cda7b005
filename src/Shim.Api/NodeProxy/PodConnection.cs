using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Shim.Api.Errors;
using Shim.Api.Json;

namespace Shim.Api.NodeProxy;

/// <summary>
/// Where a pods/log, exec, attach or portforward request goes on the pod's node, with the checks the API server
/// makes first (upstream pod strategy: LogLocation, ExecLocation, PortForwardLocation) and their messages.
/// </summary>
public static class PodConnection
{
    /// <summary>The agent path and query for <paramref name="subresource"/> of <paramref name="pod"/>.</summary>
    public static string AgentPath(string subresource, JsonObject pod, HttpRequest request)
    {
        var query = request.Query;
        var rawQuery = request.QueryString.Value ?? "";
        var ns = pod.Str("metadata", "namespace") ?? "";
        var name = pod.Str("metadata", "name") ?? "";
        if (string.IsNullOrEmpty(pod.Str("spec", "nodeName")))
        {
            throw ApiException.BadRequest($"pod {name} does not have a host assigned");
        }

        if (subresource == "portforward")
        {
            return $"/portForward/{Esc(ns)}/{Esc(name)}{rawQuery}";
        }

        var container = Container(pod, query["container"].ToString());
        if (subresource == "log")
        {
            var previous = query["previous"].ToString() == "true";
            CheckStarted(pod, container, previous);
            return $"/containerLogs/{Esc(ns)}/{Esc(name)}/{Esc(container)}{rawQuery}";
        }

        var phase = pod.Str("status", "phase");
        if (phase is "Succeeded" or "Failed")
        {
            throw ApiException.BadRequest($"cannot {(subresource == "exec" ? "exec into" : "attach to")} a container in a completed pod; current phase is {phase}");
        }

        return $"/{subresource}/{Esc(ns)}/{Esc(name)}/{Esc(container)}{rawQuery}";
    }

    /// <summary>The node's InternalIP (else any address) and the agent port from daemonEndpoints.</summary>
    public static (string Host, int Port) AgentAddress(JsonObject? node, string nodeName)
    {
        if (node is null)
        {
            throw ApiException.BadRequest($"node \"{nodeName}\" not found");
        }

        var addresses = node["status"]?["addresses"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        var address = addresses.FirstOrDefault(a => a.Str("type") == "InternalIP") ?? addresses.FirstOrDefault(a => a.Str("type") is "ExternalIP" or "Hostname");
        var host = address?.Str("address") ?? throw ApiException.BadRequest($"no preferred addresses found; known addresses: []");
        var port = node["status"]?["daemonEndpoints"]?["kubeletEndpoint"]?["Port"]?.GetValue<int>() ?? 10250;
        return (host, port);
    }

    private static string Container(JsonObject pod, string requested)
    {
        var name = pod.Str("metadata", "name");
        var containers = Names(pod, "containers");
        var init = Names(pod, "initContainers");
        var ephemeral = Names(pod, "ephemeralContainers");
        if (requested.Length == 0)
        {
            var defaulted = pod["metadata"]?["annotations"]?["kubectl.kubernetes.io/default-container"]?.GetValue<string>();
            if (defaulted is not null && containers.Contains(defaulted))
            {
                return defaulted;
            }

            if (containers.Count == 1)
            {
                return containers[0];
            }

            var choices = string.Join(" ", containers);
            var initHint = init.Count > 0 ? $" or one of the init containers: [{string.Join(" ", init)}]" : "";
            throw ApiException.BadRequest($"a container name must be specified for pod {name}, choose one of: [{choices}]{initHint}");
        }

        if (containers.Contains(requested) || init.Contains(requested) || ephemeral.Contains(requested))
        {
            return requested;
        }

        throw ApiException.BadRequest($"container {requested} is not valid for pod {name}");
    }

    /// <summary>Logs need a container that has started (or, for --previous, one that terminated before).</summary>
    private static void CheckStarted(JsonObject pod, string container, bool previous)
    {
        var statuses = new[] { "containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses" }
            .SelectMany(f => pod["status"]?[f]?.AsArray().OfType<JsonObject>() ?? [])
            .FirstOrDefault(s => s.Str("name") == container);
        var name = pod.Str("metadata", "name");
        if (previous)
        {
            if (statuses?["lastState"]?["terminated"] is null)
            {
                throw ApiException.BadRequest($"previous terminated container \"{container}\" in pod \"{name}\" not found");
            }

            return;
        }

        var waiting = statuses?["state"]?["waiting"];
        if (statuses is null || (waiting is not null && statuses["lastState"]?["terminated"] is null))
        {
            var reason = waiting?.Str("reason") ?? "ContainerCreating";
            throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is waiting to start: {reason}");
        }
    }

    private static List<string> Names(JsonObject pod, string field) =>
        pod["spec"]?[field]?.AsArray().Select(c => c?.Str("name")).OfType<string>().ToList() ?? [];

    private static string Esc(string value) => Uri.EscapeDataString(value);
}
