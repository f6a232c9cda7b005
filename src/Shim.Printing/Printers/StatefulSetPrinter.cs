using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>apps/v1 StatefulSet: ready out of desired replicas.</summary>
public sealed class StatefulSetPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Ready", "Ready pods out of desired replicas."),
        ColumnDefs.Age,
        ColumnDefs.Containers(),
        ColumnDefs.Images(),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var (names, images) = Meta.ContainerCells(Json.Arr(obj, "spec", "template", "spec", "containers"));
        return
        [
            Meta.Name(obj),
            string.Create(CultureInfo.InvariantCulture,
                $"{Json.L(obj, "status", "readyReplicas")}/{Replicas.Desired(obj)}"),
            Meta.Age(obj, now),
            names,
            images,
        ];
    }
}
