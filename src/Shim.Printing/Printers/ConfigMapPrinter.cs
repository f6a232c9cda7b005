using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>core/v1 ConfigMap: number of keys.</summary>
public sealed class ConfigMapPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Data", "Number of keys in data and binaryData."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
    [
        Meta.Name(obj),
        (long)(Json.Count(obj, "data") + Json.Count(obj, "binaryData")),
        Meta.Age(obj, now),
    ];
}
