using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>core/v1 Namespace: lifecycle phase.</summary>
public sealed class NamespacePrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Status", "Lifecycle phase: Active or Terminating."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
    [
        Meta.Name(obj),
        Json.S(obj, "status", "phase"),
        Meta.Age(obj, now),
    ];
}
