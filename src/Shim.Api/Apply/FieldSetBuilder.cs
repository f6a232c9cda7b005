using System.Text.Json.Nodes;

namespace Shim.Api.Apply;

/// <summary>
/// The field set of a value (upstream's ToFieldSet): every scalar leaf, every atomic list or map as a leaf,
/// every list item (by key or value), every map key that is not a declared struct field, and null or empty
/// values. Declared struct fields holding non-empty values are not members themselves, only their contents.
/// </summary>
internal static class FieldSetBuilder
{
    public static FieldSet Build(JsonNode? value, SchemaType type)
    {
        var set = new FieldSet();
        Walk(value, type, [], set);
        return set;
    }

    private static void Walk(JsonNode? value, SchemaType type, List<PathElement> path, FieldSet set)
    {
        switch (type.Deduce(value, present: true).Handler())
        {
            case AtomShape.Scalar:
                set.Insert(path);
                return;
            case AtomShape.List:
                if (type.ListAtomic)
                {
                    set.Insert(path);
                    return;
                }

                if (value is JsonArray list)
                {
                    VisitListItems(list, type, path, set);
                }
                else if (value is not null)
                {
                    set.Insert(path);
                }

                return;
            default:
                if (type.MapAtomic)
                {
                    set.Insert(path);
                    return;
                }

                if (value is JsonObject map)
                {
                    foreach (var (key, child) in map)
                    {
                        var (fieldType, declared) = type.Field(key);
                        path.Add(PathElement.Field(key));
                        Walk(child, fieldType, path, set);
                        if (child is null || child is JsonObject { Count: 0 } || !declared)
                        {
                            set.Insert(path);
                        }

                        path.RemoveAt(path.Count - 1);
                    }
                }
                else if (value is not null)
                {
                    set.Insert(path);
                }

                return;
        }
    }

    private static void VisitListItems(JsonArray list, SchemaType type, List<PathElement> path, FieldSet set)
    {
        var elements = new PathElement?[list.Count];
        var seen = new HashSet<PathElement>();
        var duplicates = new HashSet<PathElement>();
        for (var i = 0; i < list.Count; i++)
        {
            var (pe, _) = ItemElement(list[i], type);
            elements[i] = pe;
            if (pe is null)
            {
                continue;
            }

            if (!seen.Add(pe) && duplicates.Add(pe))
            {
                path.Add(pe);
                set.Insert(path);
                path.RemoveAt(path.Count - 1);
            }
        }

        for (var i = 0; i < list.Count; i++)
        {
            var pe = elements[i];
            if (pe is null || duplicates.Contains(pe))
            {
                continue;
            }

            path.Add(pe);
            Walk(list[i], type.ListElement, path, set);
            set.Insert(path);
            path.RemoveAt(path.Count - 1);
        }
    }

    /// <summary>The path element of an item of an associative list, or the reason it has none.</summary>
    public static (PathElement? Element, string? Error) ItemElement(JsonNode? item, SchemaType list)
    {
        if (list.ListKeys.Count > 0)
        {
            if (item is null)
            {
                return (null, "associative list with keys may not have a null element");
            }

            if (item is not JsonObject o)
            {
                return (null, "associative list with keys may not have non-map elements");
            }

            var fields = new List<KeyValuePair<string, JsonNode?>>();
            foreach (var name in list.ListKeys)
            {
                if (o.TryGetPropertyValue(name, out var v))
                {
                    fields.Add(new(name, v));
                }
                else if (list.ListElement.FieldDefault(name) is { } d)
                {
                    fields.Add(new(name, d));
                }
            }

            if (fields.Count == 0)
            {
                var keys = string.Join(" ", list.ListKeys.Select(JsonValues.GoQuote));
                return (null, $"associative list with keys has an element that omits all key fields [{keys}] (and doesn't have default values for any key fields)");
            }

            return (PathElement.KeyOf(fields), null);
        }

        return JsonValues.Kind(item) switch
        {
            ValueKind.Map => (null, "associative list without keys has an element that's a map type"),
            ValueKind.List => (null, "not supported: associative list with lists as elements"),
            ValueKind.Null => (null, "associative list without keys has an element that's an explicit null"),
            _ => (PathElement.ValueOf(item), null),
        };
    }

    /// <summary>
    /// The checks upstream makes when it types an applied configuration: list items must have path elements
    /// and may not repeat. Returns the errors as upstream prints them ("path: message").
    /// </summary>
    public static List<string> Validate(JsonNode? value, SchemaType type)
    {
        var errors = new List<string>();
        Check(value, type, "", errors);
        return errors;
    }

    private static void Check(JsonNode? value, SchemaType type, string path, List<string> errors)
    {
        switch (type.Deduce(value, present: true).Handler())
        {
            case AtomShape.List:
                if (type.ListAtomic || value is not JsonArray list)
                {
                    return;
                }

                var seen = new HashSet<PathElement>();
                for (var i = 0; i < list.Count; i++)
                {
                    var (pe, error) = ItemElement(list[i], type);
                    if (pe is null)
                    {
                        errors.Add(Prefix(path, $"element {i}: {error}"));
                        continue;
                    }

                    if (!seen.Add(pe))
                    {
                        errors.Add(Prefix(path, $"duplicate entries for key {pe}"));
                        continue;
                    }

                    Check(list[i], type.ListElement, path + pe, errors);
                }

                return;
            case AtomShape.Map:
                if (type.MapAtomic || value is not JsonObject map)
                {
                    return;
                }

                foreach (var (key, child) in map)
                {
                    Check(child, type.Field(key).Type, path + "." + key, errors);
                }

                return;
        }
    }

    private static string Prefix(string path, string message) => path.Length == 0 ? message : $"{path}: {message}";
}
