using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>storage.k8s.io/v1 StorageClass: provisioner and volume policies; the default class is marked.</summary>
public sealed class StorageClassPrinter : ITablePrinter
{
    // AllowVolumeExpansion is declared string upstream but its cells are booleans.
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Provisioner", "Driver that provisions volumes of this class."),
        ColumnDefs.Text("ReclaimPolicy", "What happens to a volume when its claim is deleted."),
        ColumnDefs.Text("VolumeBindingMode", "When volumes are bound and provisioned."),
        ColumnDefs.Text("AllowVolumeExpansion", "Whether claims of this class may grow."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var name = Meta.Name(obj);
        if (Meta.Annotation(obj, "storageclass.kubernetes.io/is-default-class") == "true" ||
            Meta.Annotation(obj, "storageclass.beta.kubernetes.io/is-default-class") == "true")
        {
            name += " (default)";
        }
        return
        [
            name,
            Json.S(obj, "provisioner"),
            Json.Str(obj, "reclaimPolicy") ?? "Delete",
            Json.Str(obj, "volumeBindingMode") ?? "Immediate",
            Json.Bool(obj, "allowVolumeExpansion") ?? false,
            Meta.Age(obj, now),
        ];
    }
}
