using System.Text.Json.Nodes;
using Shim.Api.Schema;

namespace Shim.Api.Apply;

/// <summary>Field sets of objects, as server-side apply computes them from a schema.</summary>
public static class FieldSets
{
    /// <summary>
    /// The metadata paths never recorded in managedFields: apiVersion, kind, metadata (itself), and
    /// metadata.name, namespace, creationTimestamp, selfLink, uid, clusterName, generation, managedFields,
    /// resourceVersion. They are removed as members only (metadata.labels etc. stay).
    /// </summary>
    public static FieldSet StripSet => FieldManagement.StripSet.Copy();

    /// <summary>
    /// The fields an applier of this object would own: every scalar leaf, every atomic list or map as a leaf,
    /// every map-list item by its keys (k:{...}) and set item by its value (v:...), every key of a granular map,
    /// and null or empty values, without the StripSet paths.
    /// </summary>
    public static FieldSet Of(JsonObject obj, SchemaNode? schema) => All(obj, schema).Difference(FieldManagement.StripSet);

    /// <summary>The field set of a value without stripping anything (upstream's ToFieldSet).</summary>
    public static FieldSet All(JsonNode? value, SchemaNode? schema) => FieldSetBuilder.Build(value, SchemaType.Of(schema));
}
