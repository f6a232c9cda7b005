using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>core/v1 PersistentVolumeClaim: phase and the bound volume's size and modes.</summary>
public sealed class PersistentVolumeClaimPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Status", "Phase of the claim."),
        ColumnDefs.Text("Volume", "Volume bound to the claim."),
        ColumnDefs.Text("Capacity", "Storage size of the bound volume."),
        ColumnDefs.Text("Access Modes", "Access modes of the bound volume."),
        ColumnDefs.Text("StorageClass", "Storage class requested by the claim."),
        ColumnDefs.Text("VolumeAttributesClass", "Volume attributes class requested by the claim."),
        ColumnDefs.Age,
        ColumnDefs.Text("VolumeMode", "Filesystem or Block.", 1),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var phase = Meta.Deleting(obj) ? "Terminating" : Json.S(obj, "status", "phase");
        var volumeName = Json.S(obj, "spec", "volumeName");
        // Size and modes describe the bound volume, so they stay empty until binding.
        var capacity = "";
        var modes = "";
        if (volumeName.Length > 0)
        {
            capacity = Quantity.Format(Json.Node(obj, "status", "capacity", "storage"));
            modes = Volumes.AccessModes(Json.Arr(obj, "status", "accessModes"));
        }
        return
        [
            Meta.Name(obj),
            phase,
            volumeName,
            capacity,
            modes,
            Volumes.StorageClass(obj),
            Volumes.VolumeAttributesClass(obj),
            Meta.Age(obj, now),
            Volumes.VolumeMode(obj),
        ];
    }
}
