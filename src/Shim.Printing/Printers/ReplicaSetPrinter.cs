using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>
/// apps/v1 ReplicaSet and core/v1 ReplicationController: desired, current and ready pod counts. They differ only
/// in the selector: a LabelSelector object for ReplicaSets, a plain label map for ReplicationControllers.
/// </summary>
public sealed class ReplicaSetPrinter(bool mapSelector = false) : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Integer("Desired", "Replicas requested by the spec."),
        ColumnDefs.Integer("Current", "Replicas that currently exist."),
        ColumnDefs.Integer("Ready", "Replicas that are ready."),
        ColumnDefs.Age,
        ColumnDefs.Containers(),
        ColumnDefs.Images(),
        ColumnDefs.Selector(),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var (names, images) = Meta.ContainerCells(Json.Arr(obj, "spec", "template", "spec", "containers"));
        return
        [
            Meta.Name(obj),
            Replicas.Desired(obj),
            Json.L(obj, "status", "replicas"),
            Json.L(obj, "status", "readyReplicas"),
            Meta.Age(obj, now),
            names,
            images,
            mapSelector ? Labels.FormatMap(Json.Node(obj, "spec", "selector")) : Labels.FormatSelector(Json.Node(obj, "spec", "selector")),
        ];
    }
}
