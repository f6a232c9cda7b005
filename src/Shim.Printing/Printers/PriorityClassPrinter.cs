using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>scheduling.k8s.io/v1 PriorityClass: value, default flag and preemption policy.</summary>
public sealed class PriorityClassPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Integer("Value", "Priority given to pods of this class."),
        ColumnDefs.Boolean("Global-Default", "Whether pods without a class get this one."),
        ColumnDefs.Age,
        ColumnDefs.Text("PreemptionPolicy", "Whether pods of this class may preempt others."),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
    [
        Meta.Name(obj),
        Json.L(obj, "value"),
        Json.Bool(obj, "globalDefault") ?? false,
        Meta.Age(obj, now),
        Json.S(obj, "preemptionPolicy"),
    ];
}
