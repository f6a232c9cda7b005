using System.Text.Json.Nodes;

namespace Shim.Api.Apply;

/// <summary>
/// Merges an applied configuration into an object (upstream's typed Merge with "keep right-hand side"):
/// leaves and atomic lists and maps take the configuration's value, granular maps merge key by key,
/// map-lists merge items by key and sets by value, keeping live items the configuration does not mention in
/// place and following the configuration's order for the items it does.
/// </summary>
internal static class ObjectMerger
{
    /// <param name="dropNulls">Omit map entries the configuration sets to null (what a typed round trip does).</param>
    public static JsonNode? Merge(JsonNode? lhs, JsonNode? rhs, SchemaType type, bool dropNulls)
    {
        var (present, value) = MergeValue(lhs, true, rhs, true, type, dropNulls);
        return present ? value : null;
    }

    private static (bool Present, JsonNode? Value) MergeValue(JsonNode? l, bool lp, JsonNode? r, bool rp, SchemaType type, bool dropNulls)
    {
        var la = type.Deduce(l, lp);
        var ra = type.Deduce(r, rp);
        // When the shapes differ only the right-hand side's walk produces output.
        var shape = !rp ? la.Handler() : ra.Handler();
        switch (shape)
        {
            case AtomShape.Scalar:
                return KeepRhs(l, lp, r, rp);
            case AtomShape.List:
            {
                var ll = lp ? l as JsonArray : null;
                var rl = rp ? r as JsonArray : null;
                var emptyPromoteToLeaf = (ll is null || ll.Count == 0) && (rl is null || rl.Count == 0);
                if (type.ListAtomic || emptyPromoteToLeaf)
                {
                    return KeepRhs(l, lp, r, rp);
                }

                var items = MergeListItems(ll, rl, type, dropNulls);
                return items.Count > 0 ? (true, items) : (false, null);
            }

            default:
            {
                var lm = lp ? l as JsonObject : null;
                var rm = rp ? r as JsonObject : null;
                var emptyPromoteToLeaf = (lm is null || lm.Count == 0) && (rm is null || rm.Count == 0);
                if (type.MapAtomic || emptyPromoteToLeaf)
                {
                    return KeepRhs(l, lp, r, rp);
                }

                var result = new JsonObject();
                void Visit(string key)
                {
                    JsonNode? lv = null, rv = null;
                    var hasL = lm is not null && lm.TryGetPropertyValue(key, out lv);
                    var hasR = rm is not null && rm.TryGetPropertyValue(key, out rv);
                    var (childPresent, child) = MergeValue(lv, hasL, rv, hasR, type.Field(key).Type, dropNulls);
                    if (childPresent && !(dropNulls && child is null && hasR))
                    {
                        result[key] = child;
                    }
                }

                if (lm is not null)
                {
                    foreach (var key in lm.Select(p => p.Key).ToList())
                    {
                        Visit(key);
                    }
                }

                if (rm is not null)
                {
                    foreach (var key in rm.Select(p => p.Key).Where(k => lm is null || !lm.ContainsKey(k)).ToList())
                    {
                        Visit(key);
                    }
                }

                return result.Count > 0 ? (true, result) : (false, null);
            }
        }
    }

    private static (bool, JsonNode?) KeepRhs(JsonNode? l, bool lp, JsonNode? r, bool rp) =>
        rp ? (true, JsonValues.Clone(r)) : lp ? (true, JsonValues.Clone(l)) : (false, null);

    private static JsonArray MergeListItems(JsonArray? lhs, JsonArray? rhs, SchemaType type, bool dropNulls)
    {
        var output = new JsonArray();
        var (rhsPes, _, observedRhs) = Index(rhs, type);
        var (lhsPes, lhsItems, observedLhs) = Index(lhs, type);

        var sharedOrder = new Queue<PathElement>(rhsPes.Where(observedLhs.ContainsKey));
        PathElement? nextShared = sharedOrder.Count > 0 ? sharedOrder.Dequeue() : null;
        var mergedRhs = new HashSet<PathElement>();
        int lLen = lhsPes.Count, rLen = rhsPes.Count;

        void Add(PathElement pe, JsonNode? lChild, bool lPresent, JsonNode? rChild, bool rPresent)
        {
            var (present, value) = MergeValue(lChild, lPresent, rChild, rPresent, type.ListElement, dropNulls);
            if (present)
            {
                output.Add(value);
            }
        }

        for (int lI = 0, rI = 0; lI < lLen || rI < rLen;)
        {
            if (lI < lLen && rI < rLen)
            {
                var pe = lhsPes[lI];
                if (pe.Equals(rhsPes[rI]))
                {
                    mergedRhs.Add(pe);
                    Add(pe, observedLhs[pe], true, observedRhs[pe], true);
                    lI++;
                    rI++;
                    nextShared = sharedOrder.Count > 0 ? sharedOrder.Dequeue() : null;
                    continue;
                }

                if (observedRhs.ContainsKey(pe) && nextShared is not null && !nextShared.Equals(lhsPes[lI]))
                {
                    lI++;
                    continue;
                }
            }

            if (lI < lLen)
            {
                var pe = lhsPes[lI];
                if (!observedRhs.ContainsKey(pe))
                {
                    Add(pe, lhsItems[lI], true, null, false);
                    lI++;
                    continue;
                }

                if (mergedRhs.Contains(pe))
                {
                    lI++;
                }
            }

            if (rI < rLen)
            {
                var pe = rhsPes[rI];
                mergedRhs.Add(pe);
                var hasL = observedLhs.TryGetValue(pe, out var lChild);
                Add(pe, lChild, hasL, observedRhs[pe], true);
                rI++;
                if (nextShared is not null && nextShared.Equals(pe))
                {
                    nextShared = sharedOrder.Count > 0 ? sharedOrder.Dequeue() : null;
                }
            }
        }

        return output;
    }

    /// <summary>The items' path elements in order; a repeated element maps to null (duplicates are not merged).</summary>
    private static (List<PathElement> Elements, List<JsonNode?> Items, Dictionary<PathElement, JsonNode?> Observed) Index(JsonArray? list, SchemaType type)
    {
        var elements = new List<PathElement>();
        var items = new List<JsonNode?>();
        var observed = new Dictionary<PathElement, JsonNode?>();
        foreach (var item in list ?? [])
        {
            if (FieldSetBuilder.ItemElement(item, type).Element is not { } pe)
            {
                continue;
            }

            if (observed.ContainsKey(pe))
            {
                observed[pe] = null;
            }
            else
            {
                observed[pe] = item;
            }

            elements.Add(pe);
            items.Add(item);
        }

        return (elements, items, observed);
    }
}
