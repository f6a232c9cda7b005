using System.Globalization;
using System.Text.Json.Nodes;

namespace Shim.Api.Schema;

/// <summary>
/// Finds and drops fields the schema does not declare, reporting each with upstream's path form
/// (<c>spec.template.spec.containers[0].imagee</c>), as typed decoding on a real API server does.
/// </summary>
public static class UnknownFields
{
    public static List<string> Prune(JsonObject obj, SchemaNode schema)
    {
        var found = new List<string>();
        PruneObject(obj, schema, "", found);
        return found;
    }

    private static void PruneObject(JsonObject obj, SchemaNode schema, string path, List<string> found)
    {
        if (schema.PreservesUnknownFields)
        {
            return;
        }

        if (!schema.HasProperties)
        {
            // A map: every value follows the value schema.
            if (schema.Property("") is { } values)
            {
                foreach (var (key, value) in obj.ToList())
                {
                    Prune(value, values, Join(path, key), found);
                }
            }

            return;
        }

        foreach (var (key, value) in obj.ToList())
        {
            var property = schema.Property(key);
            if (property is null)
            {
                found.Add(Join(path, key));
                obj.Remove(key);
                continue;
            }

            Prune(value, property, Join(path, key), found);
        }
    }

    private static void Prune(JsonNode? value, SchemaNode schema, string path, List<string> found)
    {
        switch (value)
        {
            case JsonObject child:
                PruneObject(child, schema, path, found);
                break;
            case JsonArray list when schema.Items is { } items:
                for (var i = 0; i < list.Count; i++)
                {
                    Prune(list[i], items, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", found);
                }

                break;
        }
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;
}
