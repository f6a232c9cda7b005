using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Api.Errors;
using Shim.Api.Json;

namespace Shim.Api.Patching;

/// <summary>JSON patch (RFC 6902): add, remove, replace, move, copy, test over JSON pointers (RFC 6901).</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw Invalid("the JSON patch must be an array of operations");
        }

        var root = document.DeepClone();
        foreach (var op in operations)
        {
            if (op is not JsonObject operation)
            {
                throw Invalid("each JSON patch operation must be an object");
            }

            var kind = operation.Str("op") ?? throw Invalid("missing \"op\" in JSON patch operation");
            var path = operation.Str("path") ?? throw Invalid($"missing \"path\" in JSON patch {kind} operation");
            switch (kind)
            {
                case "add":
                    root = Add(root, path, Value(operation, kind));
                    break;
                case "remove":
                    root = Remove(root, path, out _);
                    break;
                case "replace":
                    root = Remove(root, path, out _);
                    root = Add(root, path, Value(operation, kind));
                    break;
                case "move":
                {
                    var from = operation.Str("from") ?? throw Invalid("missing \"from\" in JSON patch move operation");
                    root = Remove(root, from, out var moved);
                    root = Add(root, path, moved);
                    break;
                }

                case "copy":
                {
                    var from = operation.Str("from") ?? throw Invalid("missing \"from\" in JSON patch copy operation");
                    root = Add(root, path, Get(root, from)?.DeepClone());
                    break;
                }

                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), Value(operation, kind)))
                    {
                        throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed");
                    }

                    break;
                default:
                    throw Invalid($"unexpected kind of JSON patch operation: {kind}");
            }
        }

        return root;
    }

    private static JsonNode? Value(JsonObject operation, string kind) =>
        operation.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw Invalid($"missing \"value\" in JSON patch {kind} operation");

    private static List<string> Parse(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw Invalid($"JSON pointer must start with '/': {pointer}");
        }

        return pointer[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();
    }

    private static JsonNode? Get(JsonNode root, string pointer)
    {
        JsonNode? node = root;
        foreach (var token in Parse(pointer))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => throw Invalid($"path {pointer} does not exist"),
            };
        }

        return node;
    }

    private static JsonNode Add(JsonNode root, string pointer, JsonNode? value)
    {
        var tokens = Parse(pointer);
        if (tokens.Count == 0)
        {
            return value ?? throw Invalid("cannot replace the whole document with null");
        }

        var parent = Get(root, ParentPointer(tokens));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a:
                if (last == "-")
                {
                    a.Add(value);
                }
                else if (int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count)
                {
                    a.Insert(i, value);
                }
                else
                {
                    throw Invalid($"invalid array index {last} in path {pointer}");
                }

                break;
            default:
                throw Invalid($"path {pointer} does not exist");
        }

        return root;
    }

    private static JsonNode Remove(JsonNode root, string pointer, out JsonNode? removed)
    {
        var tokens = Parse(pointer);
        if (tokens.Count == 0)
        {
            throw Invalid("cannot remove the whole document");
        }

        var parent = Get(root, ParentPointer(tokens));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out removed):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                removed = a[i];
                a.RemoveAt(i);
                break;
            default:
                throw Invalid($"path {pointer} does not exist");
        }

        if (removed is not null)
        {
            removed = removed.DeepClone();
        }

        return root;
    }

    private static string ParentPointer(List<string> tokens) =>
        tokens.Count == 1 ? "" : "/" + string.Join('/', tokens.SkipLast(1).Select(Escape));

    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static ApiException Invalid(string message) => new(422, "Invalid", $"the server rejected our request due to an error in our request: {message}");
}
