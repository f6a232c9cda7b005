using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Shim.Api.Resources;

namespace Shim.Api.Discovery;

/// <summary>
/// The OpenAPI v3 index and one document per group-version. Each resource contributes its paths with operations
/// tagged by group-version-kind and declaring the dryRun / fieldValidation / fieldManager parameters, which is
/// how kubectl decides to leave validation to the server. Schemas of the types come with the schema-first model.
/// </summary>
public sealed class OpenApiV3
{
    private readonly Dictionary<string, JsonObject> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _hashes = new(StringComparer.Ordinal);

    public OpenApiV3(ResourceRegistry registry, string serverVersion)
    {
        foreach (var group in registry.Groups)
        {
            foreach (var version in registry.VersionsOf(group))
            {
                var path = group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";
                var document = Document(registry.In(group, version), path, serverVersion);
                _documents[path] = document;
                _hashes[path] = Convert.ToHexString(SHA512.HashData(System.Text.Encoding.UTF8.GetBytes(document.ToJsonString())));
            }
        }
    }

    public JsonObject Index()
    {
        var paths = new JsonObject();
        foreach (var (path, hash) in _hashes)
        {
            paths[path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}?hash={hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public JsonObject? Get(string path) => _documents.GetValueOrDefault(path);

    public string? Hash(string path) => _hashes.GetValueOrDefault(path);

    private static JsonObject Document(IEnumerable<ResourceDefinition> definitions, string root, string serverVersion)
    {
        var paths = new JsonObject();
        foreach (var d in definitions)
        {
            var collection = d.Namespaced ? $"/{root}/namespaces/{{namespace}}/{d.Resource}" : $"/{root}/{d.Resource}";
            var item = collection + "/{name}";
            paths[collection] = new JsonObject
            {
                ["get"] = Operation(d, "list", []),
                ["post"] = Operation(d, "post", ["dryRun", "fieldManager", "fieldValidation"]),
                ["delete"] = Operation(d, "deletecollection", ["dryRun"]),
            };
            paths[item] = new JsonObject
            {
                ["get"] = Operation(d, "get", []),
                ["put"] = Operation(d, "put", ["dryRun", "fieldManager", "fieldValidation"]),
                ["patch"] = Operation(d, "patch", ["dryRun", "fieldManager", "fieldValidation", "force"]),
                ["delete"] = Operation(d, "delete", ["dryRun"]),
            };
            if (d.HasStatus)
            {
                paths[item + "/status"] = new JsonObject
                {
                    ["get"] = Operation(d, "get", []),
                    ["put"] = Operation(d, "put", ["dryRun", "fieldManager", "fieldValidation"]),
                    ["patch"] = Operation(d, "patch", ["dryRun", "fieldManager", "fieldValidation", "force"]),
                };
            }
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = serverVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    private static JsonObject Operation(ResourceDefinition d, string action, string[] queryParameters)
    {
        var parameters = new JsonArray();
        foreach (var name in queryParameters)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = name,
                ["in"] = "query",
                ["schema"] = new JsonObject { ["type"] = name == "force" ? "boolean" : "string", ["uniqueItems"] = true },
            });
        }

        return new JsonObject
        {
            ["operationId"] = $"{action}{d.Kind}",
            ["parameters"] = parameters,
            ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = d.Group, ["version"] = d.Version, ["kind"] = d.Kind },
        };
    }
}
