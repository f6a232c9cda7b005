using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>apps/v1 DaemonSet: scheduling counts across nodes.</summary>
public sealed class DaemonSetPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Integer("Desired", "Nodes that should run the daemon pod."),
        ColumnDefs.Integer("Current", "Nodes running at least one daemon pod."),
        ColumnDefs.Integer("Ready", "Nodes whose daemon pod is ready."),
        ColumnDefs.Integer("Up-to-date", "Nodes running the latest template."),
        ColumnDefs.Integer("Available", "Nodes whose daemon pod is available."),
        ColumnDefs.Text("Node Selector", "Node labels the pod template requires."),
        ColumnDefs.Age,
        ColumnDefs.Containers(),
        ColumnDefs.Images(),
        ColumnDefs.Selector(),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var status = Json.Obj(obj, "status");
        var (names, images) = Meta.ContainerCells(Json.Arr(obj, "spec", "template", "spec", "containers"));
        return
        [
            Meta.Name(obj),
            Json.L(status, "desiredNumberScheduled"),
            Json.L(status, "currentNumberScheduled"),
            Json.L(status, "numberReady"),
            Json.L(status, "updatedNumberScheduled"),
            Json.L(status, "numberAvailable"),
            Labels.FormatMap(Json.Node(obj, "spec", "template", "spec", "nodeSelector")),
            Meta.Age(obj, now),
            names,
            images,
            Labels.FormatSelector(Json.Node(obj, "spec", "selector")),
        ];
    }
}
