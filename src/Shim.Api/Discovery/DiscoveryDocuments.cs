using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Shim.Api.Metrics;
using Shim.Api.Resources;

namespace Shim.Api.Discovery;

/// <summary>Legacy and aggregated discovery documents, derived from the resource registry.</summary>
public sealed class DiscoveryDocuments(ResourceRegistry registry)
{
    private static readonly string[] SubresourceVerbs = ["get", "patch", "update"];

    public JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public JsonObject ApiGroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(registry.Groups.Where(g => g.Length > 0).Select(g => (JsonNode)ApiGroup(g, withTypeMeta: false))
            .Append(MetricsDiscovery.ApiGroup(withTypeMeta: false)).ToArray()),
    };

    public JsonObject? ApiGroupDocument(string group) =>
        group == MetricsApi.Group ? MetricsDiscovery.ApiGroup(withTypeMeta: true)
        : registry.Groups.Contains(group) && group.Length > 0 ? ApiGroup(group, withTypeMeta: true) : null;

    public JsonObject? ApiResourceList(string group, string version)
    {
        if (group == MetricsApi.Group && version == MetricsApi.Version)
        {
            return MetricsDiscovery.ApiResourceList();
        }

        var definitions = registry.In(group, version).ToList();
        if (definitions.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var d in definitions)
        {
            var entry = new JsonObject
            {
                ["name"] = d.Resource,
                ["singularName"] = d.SingularName,
                ["namespaced"] = d.Namespaced,
                ["kind"] = d.Kind,
                ["verbs"] = Strings(d.Verbs),
            };
            if (d.ShortNames.Count > 0)
            {
                entry["shortNames"] = Strings(d.ShortNames);
            }

            if (d.Categories.Count > 0)
            {
                entry["categories"] = Strings(d.Categories);
            }

            entry["storageVersionHash"] = StorageVersionHash(d);
            resources.Add(entry);
            foreach (var (sub, kind, subGroup, subVersion, verbs) in Subresources(d))
            {
                var subEntry = new JsonObject { ["name"] = $"{d.Resource}/{sub}", ["singularName"] = "", ["namespaced"] = d.Namespaced };
                if (subGroup is not null)
                {
                    subEntry["group"] = subGroup;
                    subEntry["version"] = subVersion;
                }

                subEntry["kind"] = kind;
                subEntry["verbs"] = Strings(verbs);
                resources.Add(subEntry);
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = definitions[0].ApiVersion,
            ["resources"] = resources,
        };
    }

    /// <summary>apidiscovery.k8s.io APIGroupDiscoveryList for the core group (/api) or the named groups (/apis).</summary>
    public JsonObject Aggregated(bool core, string discoveryVersion)
    {
        var items = new JsonArray();
        foreach (var group in registry.Groups.Where(g => (g.Length == 0) == core))
        {
            var versions = new JsonArray();
            foreach (var version in registry.VersionsOf(group))
            {
                var resources = new JsonArray();
                foreach (var d in registry.In(group, version))
                {
                    var resource = new JsonObject
                    {
                        ["resource"] = d.Resource,
                        ["responseKind"] = Gvk("", "", d.Kind),
                        ["scope"] = d.Namespaced ? "Namespaced" : "Cluster",
                        ["singularResource"] = d.SingularName,
                        ["verbs"] = Strings(d.Verbs),
                    };
                    if (d.ShortNames.Count > 0)
                    {
                        resource["shortNames"] = Strings(d.ShortNames);
                    }

                    if (d.Categories.Count > 0)
                    {
                        resource["categories"] = Strings(d.Categories);
                    }

                    var subresources = new JsonArray();
                    foreach (var (sub, kind, subGroup, subVersion, verbs) in Subresources(d))
                    {
                        subresources.Add(new JsonObject
                        {
                            ["subresource"] = sub,
                            ["responseKind"] = Gvk(subGroup ?? "", subVersion ?? "", kind),
                            ["verbs"] = Strings(verbs),
                        });
                    }

                    if (subresources.Count > 0)
                    {
                        resource["subresources"] = subresources;
                    }

                    resources.Add(resource);
                }

                versions.Add(new JsonObject { ["version"] = version, ["resources"] = resources, ["freshness"] = "Current" });
            }

            items.Add(new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = group, ["creationTimestamp"] = null },
                ["versions"] = versions,
            });
        }

        if (!core)
        {
            items.Add(MetricsDiscovery.AggregatedGroup());
        }

        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = $"apidiscovery.k8s.io/{discoveryVersion}",
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    /// <summary>base64 of the first 8 bytes of SHA-256 over "group/version/Kind".</summary>
    public static string StorageVersionHash(ResourceDefinition d)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{d.Group}/{d.Version}/{d.Kind}"));
        return Convert.ToBase64String(hash, 0, 8);
    }

    private JsonObject ApiGroup(string group, bool withTypeMeta)
    {
        var versions = registry.VersionsOf(group).Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v }).ToArray();
        var preferred = versions[0].DeepClone();
        var result = new JsonObject();
        if (withTypeMeta)
        {
            result["kind"] = "APIGroup";
            result["apiVersion"] = "v1";
        }

        result["name"] = group;
        result["versions"] = new JsonArray(versions);
        result["preferredVersion"] = preferred;
        return result;
    }

    private static IEnumerable<(string Name, string Kind, string? Group, string? Version, string[] Verbs)> Subresources(ResourceDefinition d)
    {
        if (d.Resource == "pods" && d.Group.Length == 0)
        {
            yield return ("attach", "PodAttachOptions", null, null, ["create", "get"]);
            yield return ("binding", "Binding", null, null, ["create"]);
            yield return ("eviction", "Eviction", "policy", "v1", ["create"]);
            yield return ("exec", "PodExecOptions", null, null, ["create", "get"]);
            yield return ("log", "Pod", null, null, ["get"]);
            yield return ("portforward", "PodPortForwardOptions", null, null, ["create", "get"]);
        }

        if (d.Resource == "namespaces" && d.Group.Length == 0)
        {
            yield return ("finalize", "Namespace", null, null, ["update"]);
        }

        if (d.Scale is not null)
        {
            yield return ("scale", "Scale", "autoscaling", "v1", SubresourceVerbs);
        }

        if (d.HasStatus)
        {
            yield return ("status", d.Kind, null, null, SubresourceVerbs);
        }
    }

    private static JsonObject Gvk(string group, string version, string kind) => new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
}
