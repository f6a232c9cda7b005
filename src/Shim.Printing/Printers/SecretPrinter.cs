using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>core/v1 Secret: type and number of keys (never the values).</summary>
public sealed class SecretPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Type", "Kind of secret, which fixes the keys it must hold."),
        ColumnDefs.Text("Data", "Number of keys in data."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    // stringData is write-only and merged into data on write, so only data is counted.
    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
    [
        Meta.Name(obj),
        Json.S(obj, "type"),
        (long)Json.Count(obj, "data"),
        Meta.Age(obj, now),
    ];
}
