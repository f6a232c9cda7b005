using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shim.Printing.Formatting;

/// <summary>Helpers shared by PersistentVolume and PersistentVolumeClaim.</summary>
internal static class Volumes
{
    private const string BetaClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    /// <summary>Access modes abbreviated in a fixed order (RWO, ROX, RWX, RWOP), duplicates dropped.</summary>
    public static string AccessModes(JsonArray? modes)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in modes ?? [])
        {
            if (m is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                set.Add(v.GetValue<string>());
            }
        }
        var parts = new List<string>();
        if (set.Contains("ReadWriteOnce"))
        {
            parts.Add("RWO");
        }
        if (set.Contains("ReadOnlyMany"))
        {
            parts.Add("ROX");
        }
        if (set.Contains("ReadWriteMany"))
        {
            parts.Add("RWX");
        }
        if (set.Contains("ReadWriteOncePod"))
        {
            parts.Add("RWOP");
        }
        return string.Join(",", parts);
    }

    /// <summary>The storage class: the legacy beta annotation wins over spec.storageClassName.</summary>
    public static string StorageClass(JsonObject obj) =>
        Meta.Annotation(obj, BetaClassAnnotation) ?? Json.S(obj, "spec", "storageClassName");

    public static string VolumeAttributesClass(JsonObject obj) =>
        Json.Str(obj, "spec", "volumeAttributesClassName") ?? "<unset>";

    public static string VolumeMode(JsonObject obj) => Json.Str(obj, "spec", "volumeMode") ?? "<unset>";
}
