using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>PersistentVolume and PersistentVolumeClaim defaults, and those of a claim spec wherever one appears.</summary>
internal static class PersistentVolumeDefaults
{
    public static void Volume(JsonObject volume)
    {
        if (Fields.Struct(volume, "status") is { } status)
        {
            Fields.DefaultString(status, "phase", "Pending");
        }

        if (Fields.Struct(volume, "spec") is not { } spec)
        {
            return;
        }

        Fields.DefaultString(spec, "persistentVolumeReclaimPolicy", "Retain");
        Fields.DefaultPointer(spec, "volumeMode", "Filesystem");
        ResourceLists.RoundUpToMilli(spec["capacity"]);
        if (Fields.Obj(spec, "hostPath") is { } hostPath)
        {
            PodSpecDefaults.HostPath(hostPath);
        }

        PodSpecDefaults.InTreeSources(spec);
    }

    /// <summary>A claim: the PersistentVolumeClaim kind, and every claim template of a StatefulSet.</summary>
    public static void Claim(JsonObject claim)
    {
        if (Fields.Struct(claim, "status") is { } status)
        {
            Fields.DefaultString(status, "phase", "Pending");
            ResourceLists.RoundUpToMilli(status["capacity"]);
            ResourceLists.RoundUpToMilli(status["allocatedResources"]);
        }

        if (Fields.Struct(claim, "spec") is { } spec)
        {
            ClaimSpec(spec);
        }
    }

    public static void ClaimSpec(JsonObject spec)
    {
        Fields.DefaultPointer(spec, "volumeMode", "Filesystem");
        ResourceLists.RoundUpRequirements(Fields.Obj(spec, "resources"));
    }
}
