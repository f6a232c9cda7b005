using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Shim.Api.Resources;
using Shim.Api.Schema;

namespace Shim.Api.Discovery;

/// <summary>
/// The OpenAPI v3 index and one document per group-version. Each resource contributes its paths with operations
/// tagged by group-version-kind and declaring the dryRun / fieldValidation / fieldManager parameters, which is
/// how kubectl decides to leave validation to the server, and the component schemas (from openapi/schema) that
/// kubectl explain and client-side apply read.
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
            ["components"] = new JsonObject { ["schemas"] = Components(definitions) },
        };
    }

    /// <summary>The schemas of a group-version's kinds and lists, with everything they reference.</summary>
    private static JsonObject Components(IEnumerable<ResourceDefinition> definitions)
    {
        var schemas = SchemaRegistry.Instance;
        var pending = new Stack<string>();
        foreach (var d in definitions)
        {
            foreach (var kind in new[] { d.Kind, d.ListKind })
            {
                if (schemas.NameOf(d.Group, d.Version, kind) is { } name)
                {
                    pending.Push(name);
                }
            }
        }

        var included = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        while (pending.TryPop(out var name))
        {
            if (included.ContainsKey(name) || schemas.Get(name) is not { } schema)
            {
                continue;
            }

            included[name] = schema.DeepClone();
            foreach (var reference in References(schema))
            {
                pending.Push(reference);
            }
        }

        var result = new JsonObject();
        foreach (var (name, schema) in included)
        {
            result[name] = schema;
        }

        return result;
    }

    private static IEnumerable<string> References(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key == "$ref" && value?.ToString() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                    {
                        yield return reference["#/components/schemas/".Length..];
                    }
                    else
                    {
                        foreach (var r in References(value))
                        {
                            yield return r;
                        }
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    foreach (var r in References(item))
                    {
                        yield return r;
                    }
                }

                break;
        }
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

        var responseKind = action is "list" or "deletecollection" ? d.ListKind : d.Kind;
        var response = new JsonObject { ["description"] = "OK" };
        if (SchemaRegistry.Instance.NameOf(d.Group, d.Version, responseKind) is { } schemaName)
        {
            response["content"] = new JsonObject
            {
                ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/" + schemaName } },
            };
        }

        return new JsonObject
        {
            ["operationId"] = $"{action}{d.Kind}",
            ["parameters"] = parameters,
            ["responses"] = new JsonObject { ["200"] = response },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = d.Group, ["version"] = d.Version, ["kind"] = d.Kind },
        };
    }
}
