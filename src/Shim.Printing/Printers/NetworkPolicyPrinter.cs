using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>networking.k8s.io/v1 NetworkPolicy: the pods it applies to.</summary>
public sealed class NetworkPolicyPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Pod-Selector", "Pods the policy applies to; empty selects every pod in the namespace."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
    [
        Meta.Name(obj),
        // podSelector is a value, not a pointer, upstream: absent reads as the empty selector.
        Labels.FormatSelector(Json.Obj(obj, "spec", "podSelector") ?? new JsonObject()),
        Meta.Age(obj, now),
    ];
}
