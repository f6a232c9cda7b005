using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Shim.Api.ServiceNetwork;

/// <summary>
/// The objects every cluster has for reaching the API and DNS: the kubernetes Service with its Endpoints and
/// EndpointSlice (as upstream's kubernetesservice controller and endpoints adapter write them) and the kube-dns
/// Service (as the contract of the node agents' DNS describes it).
/// </summary>
public static class SystemObjects
{
    public const string KubernetesService = "kubernetes";
    public const string KubeDnsService = "kube-dns";
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string SkipMirrorLabel = "endpointslice.kubernetes.io/skip-mirror";

    /// <summary>default/kubernetes: https 443/TCP to the API servers' port, no selector (its endpoints are maintained here).</summary>
    public static JsonObject NewKubernetesService(ServiceNetworkConfig config) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject
        {
            ["name"] = KubernetesService,
            ["namespace"] = "default",
            ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" },
        },
        ["spec"] = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["clusterIP"] = config.ServiceRange.First.ToString(),
            ["sessionAffinity"] = "None",
            ["ports"] = KubernetesServicePorts(config),
        },
    };

    /// <summary>The ports the kubernetes Service must have; anything else is reset, as upstream does.</summary>
    public static JsonArray KubernetesServicePorts(ServiceNetworkConfig config) =>
        [new JsonObject { ["name"] = "https", ["protocol"] = "TCP", ["port"] = 443, ["targetPort"] = config.Port }];

    /// <summary>kube-system/kube-dns: the cluster DNS address; no selector (each node agent publishes its own endpoint slice).</summary>
    public static JsonObject NewKubeDnsService(ServiceNetworkConfig config) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject
        {
            ["name"] = KubeDnsService,
            ["namespace"] = "kube-system",
            ["labels"] = new JsonObject
            {
                ["k8s-app"] = "kube-dns",
                ["kubernetes.io/cluster-service"] = "true",
                ["kubernetes.io/name"] = "KubeDNS",
            },
        },
        ["spec"] = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["clusterIP"] = config.ClusterDns.ToString(),
            ["internalTrafficPolicy"] = "Local",
            ["ports"] = new JsonArray
            {
                new JsonObject { ["name"] = "dns", ["protocol"] = "UDP", ["port"] = 53, ["targetPort"] = 53 },
                new JsonObject { ["name"] = "dns-tcp", ["protocol"] = "TCP", ["port"] = 53, ["targetPort"] = 53 },
            },
        },
    };

    /// <summary>Labels and subsets of default/kubernetes (Endpoints); mirroring is skipped because the slice is written here.</summary>
    public static void SetEndpoints(JsonObject endpoints, IReadOnlyList<IPAddress> addresses, int port)
    {
        endpoints.Remove("subsets");
        endpoints["metadata"]!["labels"] = new JsonObject { [SkipMirrorLabel] = "true" };
        endpoints["subsets"] = new JsonArray
        {
            new JsonObject
            {
                ["addresses"] = new JsonArray(addresses.Select(a => (JsonNode?)new JsonObject { ["ip"] = a.ToString() }).ToArray()),
                ["ports"] = new JsonArray { new JsonObject { ["name"] = "https", ["port"] = port, ["protocol"] = "TCP" } },
            },
        };
    }

    /// <summary>Labels, address type, endpoints and ports of the EndpointSlice default/kubernetes.</summary>
    public static void SetEndpointSlice(JsonObject slice, IReadOnlyList<IPAddress> addresses, int port)
    {
        slice["metadata"]!["labels"] = new JsonObject { [ServiceNameLabel] = KubernetesService };
        slice["addressType"] = "IPv4";
        slice["endpoints"] = new JsonArray(addresses.Select(a => (JsonNode?)new JsonObject
        {
            ["addresses"] = new JsonArray(a.ToString()),
            ["conditions"] = new JsonObject { ["ready"] = true },
        }).ToArray());
        slice["ports"] = new JsonArray { new JsonObject { ["name"] = "https", ["port"] = port, ["protocol"] = "TCP" } };
    }

    public static JsonObject NewObject(string apiVersion, string kind, string ns, string name) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
    };

    /// <summary>metav1.MicroTime as Go formats it.</summary>
    public static string MicroTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
