using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>policy/v1 PodDisruptionBudget: the budget and how many disruptions it allows now.</summary>
public sealed class PodDisruptionBudgetPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Min Available", "Pods (count or percent) that must stay available."),
        ColumnDefs.Text("Max Unavailable", "Pods (count or percent) that may be unavailable."),
        ColumnDefs.Integer("Allowed Disruptions", "Pod evictions allowed right now."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
    [
        Meta.Name(obj),
        Json.IntOrString(obj, "spec", "minAvailable") ?? "N/A",
        Json.IntOrString(obj, "spec", "maxUnavailable") ?? "N/A",
        Json.L(obj, "status", "disruptionsAllowed"),
        Meta.Age(obj, now),
    ];
}
