using System.Text.Json.Nodes;
using Shim.Api.Schema;

namespace Shim.Api.Apply;

/// <summary>
/// Gives an object of a built-in kind the shape kube-apiserver's typed objects have when it compares them
/// for managedFields: fields without omitempty are always present (structs as objects, other values null
/// or their zero value), non-pointer structs are always present, and null or empty omitempty maps and lists
/// are absent. Normalize({}) is the zero value upstream compares a created object against.
/// Unknown fields, kinds without a schema and schemas that are not built-in types (custom resources, whose
/// objects are never typed upstream) are left as they are.
/// </summary>
internal static class TypedNormalizer
{
    private const int MaxDepth = 64;

    public static JsonObject Normalize(JsonObject obj, SchemaNode? schema) =>
        schema?.TypeName is null ? (JsonObject)obj.DeepClone() : Normalize(obj, schema, 0) as JsonObject ?? new JsonObject();

    private static JsonNode? Normalize(JsonNode? value, SchemaNode node, int depth)
    {
        if (depth > MaxDepth)
        {
            return JsonValues.Clone(value);
        }

        switch (value)
        {
            case JsonObject obj when node.Resolved["properties"] is JsonObject properties:
            {
                var required = new HashSet<string>(node.Required, StringComparer.Ordinal);
                var result = new JsonObject();
                foreach (var (key, child) in obj)
                {
                    if (properties[key] is not JsonObject)
                    {
                        result[key] = JsonValues.Clone(child);
                        continue;
                    }

                    if (child is null)
                    {
                        continue;
                    }

                    var childNode = node.Property(key)!;
                    var normalized = Normalize(child, childNode, depth + 1);
                    if (!required.Contains(key) && IsOmittedWhenEmpty(normalized, childNode))
                    {
                        continue;
                    }

                    result[key] = normalized;
                }

                foreach (var (key, declaration) in properties)
                {
                    if (result.ContainsKey(key) || declaration is not JsonObject decl)
                    {
                        continue;
                    }

                    if (obj.TryGetPropertyValue(key, out var present) && present is not null)
                    {
                        // Present but omitted as empty.
                        continue;
                    }

                    var childNode = node.Property(key)!;
                    var isStruct = childNode.Resolved["properties"] is JsonObject;
                    var defaultValue = decl["default"] ?? childNode.Resolved["default"];
                    if (required.Contains(key))
                    {
                        result[key] = isStruct && defaultValue is JsonObject
                            ? Normalize(new JsonObject(), childNode, depth + 1)
                            : defaultValue is JsonValue scalar ? scalar.DeepClone() : null;
                    }
                    else if (isStruct && defaultValue is JsonObject { Count: 0 })
                    {
                        result[key] = Normalize(new JsonObject(), childNode, depth + 1);
                    }
                }

                return result;
            }

            case JsonObject map when node.Resolved["additionalProperties"] is JsonObject values:
            {
                var valueNode = new SchemaNode(SchemaRegistry.Instance, values);
                var result = new JsonObject();
                foreach (var (key, child) in map)
                {
                    result[key] = child is null ? null : Normalize(child, valueNode, depth + 1);
                }

                return result;
            }

            case JsonArray list when node.Items is { } items:
            {
                var result = new JsonArray();
                foreach (var item in list)
                {
                    result.Add(item is null ? null : Normalize(item, items, depth + 1));
                }

                return result;
            }

            default:
                return JsonValues.Clone(value);
        }
    }

    /// <summary>Go drops empty maps and slices of omitempty fields; structs and free-form objects stay.</summary>
    private static bool IsOmittedWhenEmpty(JsonNode? value, SchemaNode node) => value switch
    {
        JsonArray { Count: 0 } => true,
        JsonObject { Count: 0 } => node.Resolved["additionalProperties"] is JsonObject && node.Resolved["properties"] is null,
        _ => false,
    };
}
