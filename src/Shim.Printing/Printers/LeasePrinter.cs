using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>coordination.k8s.io/v1 Lease: current holder.</summary>
public sealed class LeasePrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Holder", "Identity currently holding the lease."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
    [
        Meta.Name(obj),
        Json.S(obj, "spec", "holderIdentity"),
        Meta.Age(obj, now),
    ];
}
