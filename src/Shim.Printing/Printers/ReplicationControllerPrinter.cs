using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>core/v1 ReplicationController: like ReplicaSet, with a plain label-map selector.</summary>
public sealed class ReplicationControllerPrinter : ITablePrinter
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
            Labels.FormatMap(Json.Node(obj, "spec", "selector")),
        ];
    }
}
