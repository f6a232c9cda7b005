using System.Text.Json.Nodes;

namespace Shim.Api.Apply;

/// <summary>
/// Removes the fields and list items of a set from a value (upstream's RemoveItems). Only the nodes on the
/// way to removed paths are rebuilt; a map or list left empty by removal becomes null, as upstream.
/// </summary>
internal static class ItemRemover
{
    /// <param name="dropNulls">Omit map entries that removal left null instead of keeping them as null.</param>
    public static JsonNode? Remove(JsonNode? value, FieldSet toRemove, SchemaType type, bool dropNulls)
    {
        switch (type.Deduce(value, present: true).Handler())
        {
            case AtomShape.Scalar:
                return JsonValues.Clone(value);
            case AtomShape.List:
            {
                if (value is not JsonArray list || list.Count == 0 || type.ListAtomic)
                {
                    return null;
                }

                var items = new JsonArray();
                foreach (var item in list)
                {
                    var pe = FieldSetBuilder.ItemElement(item, type).Element;
                    if (pe is null)
                    {
                        items.Add(JsonValues.Clone(item));
                        continue;
                    }

                    if (toRemove.HasMember(pe))
                    {
                        continue;
                    }

                    var subset = toRemove.WithPrefix(pe);
                    items.Add(subset.IsEmpty ? JsonValues.Clone(item) : Remove(item, subset, type.ListElement, dropNulls));
                }

                return items.Count > 0 ? items : null;
            }

            default:
            {
                if (value is not JsonObject map || map.Count == 0 || type.MapAtomic)
                {
                    return null;
                }

                var result = new JsonObject();
                foreach (var (key, child) in map)
                {
                    var pe = PathElement.Field(key);
                    if (toRemove.HasMember(pe))
                    {
                        continue;
                    }

                    var subset = toRemove.WithPrefix(pe);
                    if (subset.IsEmpty)
                    {
                        result[key] = JsonValues.Clone(child);
                        continue;
                    }

                    var reduced = Remove(child, subset, type.Field(key).Type, dropNulls);
                    if (reduced is null && dropNulls)
                    {
                        continue;
                    }

                    result[key] = reduced;
                }

                return result.Count > 0 ? result : null;
            }
        }
    }
}
