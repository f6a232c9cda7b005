using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>core/v1 PodTemplate: containers and pod labels (no Age column upstream).</summary>
public sealed class PodTemplatePrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Containers(0),
        ColumnDefs.Images(0),
        ColumnDefs.Text("Pod Labels", "Labels given to pods made from the template."),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var (names, images) = Meta.ContainerCells(Json.Arr(obj, "template", "spec", "containers"));
        return [Meta.Name(obj), names, images, Labels.FormatMap(Json.Node(obj, "template", "metadata", "labels"))];
    }
}
