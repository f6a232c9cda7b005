using System.Text.Json.Nodes;
using Shim.Api.Errors;
using Shim.Api.Json;

namespace Shim.Api.Patching;

/// <summary>
/// Strategic merge patch: a merge patch whose lists merge by the schema's patch strategy and merge key, plus the
/// directives <c>$patch</c> (replace/merge/delete), <c>$retainKeys</c>, <c>$setElementOrder/FIELD</c> and
/// <c>$deleteFromPrimitiveList/FIELD</c>. Semantics follow apimachinery's strategicpatch package.
/// </summary>
public static class StrategicMergePatch
{
    private const string Directive = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string SetElementOrder = "$setElementOrder/";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

    public static JsonObject Apply(JsonObject original, JsonObject patch, IPatchSchema? schema)
    {
        var result = MergeMap((JsonObject)original.DeepClone(), patch, schema);
        return result ?? throw Invalid("a strategic merge patch may not delete the whole object");
    }

    /// <summary>Merges <paramref name="patch"/> into <paramref name="original"/> (which it may modify); null means "delete this map".</summary>
    private static JsonObject? MergeMap(JsonObject original, JsonObject patch, IPatchSchema? schema)
    {
        switch (patch.Str(Directive))
        {
            case "delete":
                return null;
            case "replace":
                return Clean(patch);
            case null or "merge":
                break;
            default:
                throw Invalid($"unknown patch type: {patch.Str(Directive)} in map: {patch.ToJsonString()}");
        }

        // Deletions from primitive lists apply to the original before the merge.
        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                var field = key[DeleteFromPrimitiveList.Length..];
                if (original[field] is JsonArray list && value is JsonArray remove)
                {
                    var doomed = remove.Select(r => r?.ToJsonString()).ToHashSet();
                    original[field] = new JsonArray(list.Where(e => !doomed.Contains(e?.ToJsonString())).Select(e => e?.DeepClone()).ToArray());
                }
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith('$'))
            {
                continue;
            }

            if (value is null)
            {
                original.Remove(key);
                continue;
            }

            var fieldSchema = schema?.Property(key);
            var current = original[key];
            switch (value)
            {
                case JsonObject patchMap when current is JsonObject currentMap:
                {
                    var merged = MergeMap((JsonObject)currentMap.DeepClone(), patchMap, fieldSchema);
                    if (merged is null)
                    {
                        original.Remove(key);
                    }
                    else
                    {
                        original[key] = merged;
                    }

                    break;
                }

                case JsonObject patchMap:
                {
                    var created = MergeMap([], patchMap, fieldSchema);
                    if (created is null)
                    {
                        original.Remove(key);
                    }
                    else
                    {
                        original[key] = created;
                    }

                    break;
                }

                case JsonArray patchList:
                    original[key] = MergeList(current as JsonArray, patchList, fieldSchema, patch[SetElementOrder + key] as JsonArray);
                    break;
                default:
                    original[key] = value.DeepClone();
                    break;
            }
        }

        // $setElementOrder for lists the patch did not otherwise touch.
        foreach (var (key, order) in patch)
        {
            if (key.StartsWith(SetElementOrder, StringComparison.Ordinal) && order is JsonArray orderList)
            {
                var field = key[SetElementOrder.Length..];
                if (!patch.ContainsKey(field) && original[field] is JsonArray existing)
                {
                    original[field] = Reorder(existing, orderList, schema?.Property(field)?.PatchMergeKey);
                }
            }
        }

        if (patch[RetainKeys] is JsonArray retain)
        {
            var keep = retain.Select(k => k?.ToString()).ToHashSet();
            foreach (var key in original.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                original.Remove(key);
            }
        }

        return original;
    }

    private static JsonArray MergeList(JsonArray? original, JsonArray patch, IPatchSchema? schema, JsonArray? order)
    {
        var strategy = schema?.PatchStrategy ?? "";
        if (!strategy.Split(',').Contains("merge"))
        {
            return Clean(patch);
        }

        // {"$patch":"replace"} among the elements replaces the whole list with the other elements.
        if (patch.OfType<JsonObject>().Any(e => e.Str(Directive) == "replace"))
        {
            return new JsonArray(patch.Where(e => e is not JsonObject o || o.Str(Directive) != "replace").Select(e => Clean(e)).ToArray());
        }

        var result = original is null ? [] : (JsonArray)original.DeepClone();
        var mergeKey = schema?.PatchMergeKey;
        var isObjectList = patch.Any(e => e is JsonObject) || result.Any(e => e is JsonObject);
        if (!isObjectList)
        {
            // Primitive lists with the merge strategy are sets: add what is missing.
            var present = result.Select(e => e?.ToJsonString()).ToHashSet();
            foreach (var e in patch)
            {
                if (present.Add(e?.ToJsonString()))
                {
                    result.Add(e?.DeepClone());
                }
            }

            return order is null ? result : Reorder(result, order, null);
        }

        if (string.IsNullOrEmpty(mergeKey))
        {
            throw Invalid("the merge strategy needs a merge key for a list of objects");
        }

        foreach (var element in patch)
        {
            if (element is not JsonObject patchElement)
            {
                throw Invalid($"all elements of a merged list must be objects: {element?.ToJsonString()}");
            }

            var keyValue = patchElement[mergeKey]?.ToJsonString() ?? throw Invalid($"map: {patchElement.ToJsonString()} does not contain declared merge key: {mergeKey}");
            var index = IndexOf(result, mergeKey, keyValue);
            if (patchElement.Str(Directive) == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0)
            {
                var merged = MergeMap((JsonObject)result[index]!.DeepClone(), patchElement, schema?.Items);
                if (merged is null)
                {
                    result.RemoveAt(index);
                }
                else
                {
                    result[index] = merged;
                }
            }
            else
            {
                result.Add(MergeMap([], patchElement, schema?.Items));
            }
        }

        return order is null ? result : Reorder(result, order, mergeKey);
    }

    /// <summary>
    /// Orders a list by $setElementOrder: the listed elements in the given order; elements only the server has keep
    /// their place after the element that preceded them.
    /// </summary>
    private static JsonArray Reorder(JsonArray list, JsonArray order, string? mergeKey)
    {
        string? Id(JsonNode? n) => mergeKey is null ? n?.ToJsonString() : (n as JsonObject)?[mergeKey]?.ToJsonString();
        var wanted = order.Select(o => mergeKey is null ? o?.ToJsonString() : (o as JsonObject)?[mergeKey]?.ToJsonString()).ToList();
        var position = wanted.Select((id, i) => (id, i)).Where(x => x.id is not null).GroupBy(x => x.id!).ToDictionary(g => g.Key, g => g.First().i);
        var result = new List<JsonNode?>();
        var ordered = list.Where(e => Id(e) is { } id && position.ContainsKey(id)).OrderBy(e => position[Id(e)!]).ToList();
        var next = 0;
        foreach (var e in list)
        {
            if (Id(e) is { } id && position.ContainsKey(id))
            {
                result.Add(ordered[next++]);
            }
            else
            {
                result.Add(e);
            }
        }

        return new JsonArray(result.Select(e => e?.DeepClone()).ToArray());
    }

    private static int IndexOf(JsonArray list, string mergeKey, string keyValue)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if ((list[i] as JsonObject)?[mergeKey]?.ToJsonString() == keyValue)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A patch value without directive keys, as stored.</summary>
    private static JsonObject Clean(JsonObject patch)
    {
        var result = new JsonObject();
        foreach (var (key, value) in patch)
        {
            if (!key.StartsWith('$'))
            {
                result[key] = Clean(value);
            }
        }

        return result;
    }

    private static JsonArray Clean(JsonArray patch) => new(patch.Select(Clean).ToArray());

    private static JsonNode? Clean(JsonNode? node) => node switch
    {
        JsonObject o => Clean(o),
        JsonArray a => Clean(a),
        _ => node?.DeepClone(),
    };

    private static ApiException Invalid(string message) => new(422, "Invalid", $"the server rejected our request due to an error in our request: {message}");
}
