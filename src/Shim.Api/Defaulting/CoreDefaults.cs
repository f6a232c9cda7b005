using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>Defaults of the smaller core/v1 kinds (pods, services and volumes have their own files).</summary>
internal static class CoreDefaults
{
    private const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    /// <summary>
    /// type defaults to Opaque; stringData is write-only: its values are folded into data (base64 of their UTF-8,
    /// replacing a key of the same name) and the field dropped, as upstream's conversion does.
    /// </summary>
    public static void Secret(JsonObject secret)
    {
        Fields.DefaultString(secret, "type", "Opaque");
        if (secret["stringData"] is not JsonObject stringData || stringData.Any(p => p.Value is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String))
        {
            // Absent, or malformed: validation reports what is wrong with it.
            return;
        }

        if (secret["data"] is not JsonObject data)
        {
            data = [];
            secret["data"] = data;
        }

        foreach (var (key, value) in stringData)
        {
            data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value!.GetValue<string>()));
        }

        secret.Remove("stringData");
    }

    /// <summary>Every named namespace carries its name as a label (always, overriding what was sent), and starts Active.</summary>
    public static void Namespace(JsonObject ns)
    {
        var metadata = Fields.Obj(ns, "metadata");
        if (Fields.Str(metadata, "name") is { Length: > 0 } name && Fields.Struct(metadata!, "labels") is { } labels)
        {
            labels[NamespaceNameLabel] = name;
        }

        if (Fields.Struct(ns, "status") is { } status)
        {
            Fields.DefaultString(status, "phase", "Active");
        }
    }

    /// <summary>A node reporting capacity but no allocatable has all of its capacity allocatable.</summary>
    public static void Node(JsonObject node)
    {
        if (Fields.Obj(node, "status") is not { } status)
        {
            return;
        }

        if (status["allocatable"] is null && Fields.IsNonEmptyObject(status["capacity"]))
        {
            status["allocatable"] = status["capacity"]!.DeepClone();
        }

        ResourceLists.RoundUpToMilli(status["capacity"]);
        ResourceLists.RoundUpToMilli(status["allocatable"]);
    }

    public static void Endpoints(JsonObject endpoints)
    {
        foreach (var subset in Fields.Items(endpoints, "subsets"))
        {
            foreach (var port in Fields.Items(subset, "ports"))
            {
                Fields.DefaultString(port, "protocol", "TCP");
            }
        }
    }

    /// <summary>
    /// Container limit ranges: the default limit falls back to max, the default request to the default limit and
    /// then to min.
    /// </summary>
    public static void LimitRange(JsonObject limitRange)
    {
        foreach (var item in Fields.Items(Fields.Obj(limitRange, "spec"), "limits"))
        {
            if (Fields.Str(item, "type") == "Container")
            {
                FillMissing(item, "default", item["max"]);
                FillMissing(item, "defaultRequest", item["default"]);
                FillMissing(item, "defaultRequest", item["min"]);
            }

            foreach (var list in new[] { "max", "min", "default", "defaultRequest", "maxLimitRequestRatio" })
            {
                ResourceLists.RoundUpToMilli(item[list]);
            }
        }
    }

    public static void ResourceQuota(JsonObject quota)
    {
        ResourceLists.RoundUpToMilli(Fields.Obj(quota, "spec")?["hard"]);
        ResourceLists.RoundUpToMilli(Fields.Obj(quota, "status")?["hard"]);
        ResourceLists.RoundUpToMilli(Fields.Obj(quota, "status")?["used"]);
    }

    public static void PodTemplate(JsonObject podTemplate) => PodSpecDefaults.ApplyTemplateField(podTemplate, "template");

    /// <summary>
    /// A replication controller's selector and labels default to its template's labels; replicas defaults to 1.
    /// The template is optional here (a pointer), so a missing one stays missing.
    /// </summary>
    public static void ReplicationController(JsonObject controller)
    {
        var spec = Fields.Struct(controller, "spec");
        if (spec is null)
        {
            return;
        }

        var template = Fields.Obj(spec, "template");
        if (Fields.Obj(Fields.Obj(template, "metadata"), "labels") is { Count: > 0 } labels)
        {
            if (!Fields.IsNonEmptyObject(spec["selector"]))
            {
                spec["selector"] = labels.DeepClone();
            }

            CopyLabelsWhenEmpty(controller, labels);
        }

        Fields.DefaultPointer(spec, "replicas", 1);
        if (template is not null)
        {
            PodSpecDefaults.ApplyTemplate(template);
        }
    }

    /// <summary>Copies <paramref name="labels"/> to the object's own labels when it has none.</summary>
    internal static void CopyLabelsWhenEmpty(JsonObject obj, JsonObject labels)
    {
        if (labels.Count == 0 || Fields.Struct(obj, "metadata") is not { } metadata || Fields.IsNonEmptyObject(metadata["labels"]))
        {
            return;
        }

        if (metadata["labels"] is null or JsonObject)
        {
            metadata["labels"] = labels.DeepClone();
        }
    }

    private static void FillMissing(JsonObject item, string key, JsonNode? from)
    {
        if (from is not JsonObject source || source.Count == 0)
        {
            return;
        }

        if (item[key] is not JsonObject target)
        {
            if (item[key] is not null)
            {
                return;
            }

            target = new JsonObject();
        }

        foreach (var (name, value) in source)
        {
            if (!target.ContainsKey(name))
            {
                target[name] = value?.DeepClone();
            }
        }

        if (target.Count > 0 && item[key] is null)
        {
            item[key] = target;
        }
    }
}
