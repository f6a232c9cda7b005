using System.Text.Json.Nodes;
using Shim.Client;
using Shim.Model.Core.V1;
using Shim.Model.Discovery.V1;

namespace Shim.Agent.Network;

/// <summary>
/// Publishes this node's DNS server as an endpoint of the <c>kube-system/kube-dns</c> Service. That Service has no
/// selector and internalTrafficPolicy Local, so each node's proxy sends the cluster DNS address to the server of its
/// own agent. The slice is owned by the Node, so it goes when the Node is deleted.
/// </summary>
public static class NodeDnsSlice
{
    public const string ServiceName = "kube-dns";
    public const string Namespace = "kube-system";
    public const int Port = 53;

    public static string SliceName(string nodeName) => $"{ServiceName}-{nodeName}";

    /// <summary>Creates or updates the slice (server-side apply, so a restart or a second call changes nothing).</summary>
    public static Task ApplyAsync(KubeClient client, Node node, string address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(node);
        var nodeName = node.Metadata!.Name!;
        var slice = new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = SliceName(nodeName),
                ["namespace"] = Namespace,
                ["labels"] = new JsonObject
                {
                    ["kubernetes.io/service-name"] = ServiceName,
                    ["endpointslice.kubernetes.io/managed-by"] = "shim-agent",
                },
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Node",
                    ["name"] = nodeName,
                    ["uid"] = node.Metadata.Uid,
                }),
            },
            ["addressType"] = "IPv4",
            ["endpoints"] = new JsonArray(new JsonObject
            {
                ["addresses"] = new JsonArray(address),
                ["conditions"] = new JsonObject { ["ready"] = true, ["serving"] = true, ["terminating"] = false },
                ["nodeName"] = nodeName,
            }),
            ["ports"] = new JsonArray(
                new JsonObject { ["name"] = "dns", ["port"] = Port, ["protocol"] = "UDP" },
                new JsonObject { ["name"] = "dns-tcp", ["port"] = Port, ["protocol"] = "TCP" }),
        };
        return client.PatchAsync<EndpointSlice>(
            ResourcePath.For<EndpointSlice>(Namespace, SliceName(nodeName)),
            KubeClient.ApplyPatch,
            slice.ToJsonString(),
            cancellationToken,
            "?fieldManager=shim-agent&force=true");
    }
}
