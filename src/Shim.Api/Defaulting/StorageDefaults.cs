using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>storage.k8s.io/v1 StorageClass defaults.</summary>
internal static class StorageDefaults
{
    public static void StorageClass(JsonObject storageClass)
    {
        Fields.DefaultPointer(storageClass, "reclaimPolicy", "Delete");
        Fields.DefaultPointer(storageClass, "volumeBindingMode", "Immediate");
    }
}
