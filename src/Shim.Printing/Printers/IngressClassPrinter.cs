using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>networking.k8s.io/v1 IngressClass: controller and parameters reference.</summary>
public sealed class IngressClassPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Controller", "Controller that implements this class."),
        ColumnDefs.Text("Parameters", "Resource holding extra configuration for the controller."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var parameters = "<none>";
        if (Json.Obj(obj, "spec", "parameters") is { } p)
        {
            parameters = Json.S(p, "kind");
            // An explicit apiGroup is appended even when empty, as upstream checks only for presence.
            if (Json.Str(p, "apiGroup") is { } group)
            {
                parameters += "." + group;
            }
            parameters += "/" + Json.S(p, "name");
        }
        return [Meta.Name(obj), Json.S(obj, "spec", "controller"), parameters, Meta.Age(obj, now)];
    }
}
