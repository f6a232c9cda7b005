using System.Text.Json.Nodes;

namespace Shim.Api.Apply;

/// <summary>
/// The fields added, modified and removed between two versions of an object (upstream's typed Compare).
/// Newly present nodes are "added" themselves (which is where the "." of update entries comes from);
/// leaves, atomic lists and maps, and empty or null lists and maps are compared as whole values.
/// </summary>
internal sealed class ObjectComparison
{
    private ObjectComparison(FieldSet added, FieldSet modified, FieldSet removed)
    {
        Added = added;
        Modified = modified;
        Removed = removed;
    }

    public FieldSet Added { get; }
    public FieldSet Modified { get; }
    public FieldSet Removed { get; }

    public bool IsSame => Added.IsEmpty && Modified.IsEmpty && Removed.IsEmpty;

    /// <summary>Drops fields under the given paths (reset fields) from all three sets.</summary>
    public ObjectComparison Filter(FieldSet? reset) =>
        reset is null || reset.IsEmpty ? this : new(Added.RecursiveDifference(reset), Modified.RecursiveDifference(reset), Removed.RecursiveDifference(reset));

    public static ObjectComparison Compare(JsonNode? lhs, JsonNode? rhs, SchemaType type)
    {
        var walker = new Walker();
        walker.Compare(lhs, true, rhs, true, type, []);
        return new ObjectComparison(walker.Added, walker.Modified, walker.Removed);
    }

    private sealed class Walker
    {
        public FieldSet Added { get; } = new();
        public FieldSet Modified { get; } = new();
        public FieldSet Removed { get; } = new();

        public void Compare(JsonNode? l, bool lp, JsonNode? r, bool rp, SchemaType type, List<PathElement> path)
        {
            var la = type.Deduce(l, lp);
            var ra = type.Deduce(r, rp);
            bool inLeaf;
            if (!rp)
            {
                inLeaf = Handle(la.Handler(), l, lp, r, rp, type, path);
            }
            else if (!lp || la == ra)
            {
                inLeaf = Handle(ra.Handler(), l, lp, r, rp, type, path);
            }
            else
            {
                Handle(la.Handler(), l, lp, r, rp, type, path);
                inLeaf = Handle(ra.Handler(), l, lp, r, rp, type, path);
            }

            if (!inLeaf)
            {
                if (!lp)
                {
                    Added.Insert(path);
                }
                else if (!rp)
                {
                    Removed.Insert(path);
                }
            }
        }

        /// <summary>Walks one shape; returns whether the node was compared as a leaf.</summary>
        private bool Handle(AtomShape shape, JsonNode? l, bool lp, JsonNode? r, bool rp, SchemaType type, List<PathElement> path)
        {
            switch (shape)
            {
                case AtomShape.Scalar:
                    Leaf(l, lp, r, rp, path);
                    return true;
                case AtomShape.List:
                {
                    var ll = lp ? l as JsonArray : null;
                    var rl = rp ? r as JsonArray : null;
                    var emptyPromoteToLeaf = (ll is null || ll.Count == 0) && (rl is null || rl.Count == 0);
                    if (type.ListAtomic || emptyPromoteToLeaf)
                    {
                        Leaf(l, lp, r, rp, path);
                        return true;
                    }

                    VisitListItems(ll, rl, type, path);
                    return false;
                }

                default:
                {
                    var lm = lp ? l as JsonObject : null;
                    var rm = rp ? r as JsonObject : null;
                    var emptyPromoteToLeaf = (lm is null || lm.Count == 0) && (rm is null || rm.Count == 0);
                    if (type.MapAtomic || emptyPromoteToLeaf)
                    {
                        Leaf(l, lp, r, rp, path);
                        return true;
                    }

                    var keys = new List<string>();
                    if (lm is not null)
                    {
                        keys.AddRange(lm.Select(p => p.Key));
                    }

                    if (rm is not null)
                    {
                        keys.AddRange(rm.Select(p => p.Key).Where(k => lm is null || !lm.ContainsKey(k)));
                    }

                    foreach (var key in keys)
                    {
                        JsonNode? lv = null, rv = null;
                        var hasL = lm is not null && lm.TryGetPropertyValue(key, out lv);
                        var hasR = rm is not null && rm.TryGetPropertyValue(key, out rv);
                        path.Add(PathElement.Field(key));
                        Compare(lv, hasL, rv, hasR, type.Field(key).Type, path);
                        path.RemoveAt(path.Count - 1);
                    }

                    return false;
                }
            }
        }

        private void Leaf(JsonNode? l, bool lp, JsonNode? r, bool rp, List<PathElement> path)
        {
            if (!lp)
            {
                Added.Insert(path);
            }
            else if (!rp)
            {
                Removed.Insert(path);
            }
            else if (!JsonValues.Equal(r, l))
            {
                Modified.Insert(path);
            }
        }

        private void VisitListItems(JsonArray? lhs, JsonArray? rhs, SchemaType type, List<PathElement> path)
        {
            var all = new List<PathElement>();
            var lValues = new Dictionary<PathElement, List<JsonNode?>>();
            var rValues = new Dictionary<PathElement, List<JsonNode?>>();
            foreach (var item in lhs ?? [])
            {
                if (FieldSetBuilder.ItemElement(item, type).Element is not { } pe)
                {
                    continue;
                }

                if (lValues.TryGetValue(pe, out var values))
                {
                    values.Add(item);
                }
                else
                {
                    lValues[pe] = [item];
                    all.Add(pe);
                }
            }

            foreach (var item in rhs ?? [])
            {
                if (FieldSetBuilder.ItemElement(item, type).Element is not { } pe)
                {
                    continue;
                }

                if (rValues.TryGetValue(pe, out var values))
                {
                    values.Add(item);
                }
                else
                {
                    rValues[pe] = [item];
                    if (!lValues.ContainsKey(pe))
                    {
                        all.Add(pe);
                    }
                }
            }

            foreach (var pe in all)
            {
                var lList = lValues.GetValueOrDefault(pe) ?? [];
                var rList = rValues.GetValueOrDefault(pe) ?? [];
                path.Add(pe);
                if (lList.Count <= 1 && rList.Count <= 1)
                {
                    Compare(lList.FirstOrDefault(), lList.Count == 1, rList.FirstOrDefault(), rList.Count == 1, type.ListElement, path);
                }
                else if (lList.Count >= 2 && rList.Count >= 2)
                {
                    if (lList.Count != rList.Count || lList.Zip(rList).Any(p => !JsonValues.Equal(p.First, p.Second)))
                    {
                        Modified.Insert(path);
                    }
                }
                else if (lList.Count >= 2)
                {
                    if (rList.Count != 0)
                    {
                        Compare(null, false, rList[0], true, type.ListElement, path);
                    }

                    Removed.Insert(path);
                }
                else
                {
                    if (lList.Count != 0)
                    {
                        Compare(lList[0], true, null, false, type.ListElement, path);
                    }

                    Added.Insert(path);
                }

                path.RemoveAt(path.Count - 1);
            }
        }
    }
}
