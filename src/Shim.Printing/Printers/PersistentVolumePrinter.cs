using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>core/v1 PersistentVolume: size, modes, policy, phase and the claim bound to it.</summary>
public sealed class PersistentVolumePrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Capacity", "Storage size of the volume."),
        ColumnDefs.Text("Access Modes", "Ways the volume can be mounted."),
        ColumnDefs.Text("Reclaim Policy", "What happens to the volume once released."),
        ColumnDefs.Text("Status", "Phase of the volume."),
        ColumnDefs.Text("Claim", "Claim bound to the volume, as namespace/name."),
        ColumnDefs.Text("StorageClass", "Storage class of the volume."),
        ColumnDefs.Text("VolumeAttributesClass", "Volume attributes class of the volume."),
        ColumnDefs.Text("Reason", "Why the volume is in its phase, if failed."),
        ColumnDefs.Age,
        ColumnDefs.Text("VolumeMode", "Filesystem or Block.", 1),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var claim = "";
        if (Json.Obj(obj, "spec", "claimRef") is { } claimRef)
        {
            claim = $"{Json.S(claimRef, "namespace")}/{Json.S(claimRef, "name")}";
        }
        var phase = Meta.Deleting(obj) ? "Terminating" : Json.S(obj, "status", "phase");
        return
        [
            Meta.Name(obj),
            Quantity.Format(Json.Node(obj, "spec", "capacity", "storage")),
            Volumes.AccessModes(Json.Arr(obj, "spec", "accessModes")),
            Json.S(obj, "spec", "persistentVolumeReclaimPolicy"),
            phase,
            claim,
            Volumes.StorageClass(obj),
            Volumes.VolumeAttributesClass(obj),
            Json.S(obj, "status", "reason"),
            Meta.Age(obj, now),
            Volumes.VolumeMode(obj),
        ];
    }
}
