using System.Text;
using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>core/v1 ResourceQuota: used/hard per resource, limits.* split into their own column.</summary>
public sealed class ResourceQuotaPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Request", "Used/hard amounts of quota resources other than limits."),
        ColumnDefs.Text("Limit", "Used/hard amounts of limits.* quota resources."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var hard = Json.Obj(obj, "status", "hard");
        var used = Json.Obj(obj, "status", "used");
        var request = new StringBuilder();
        var limit = new StringBuilder();
        foreach (var resource in (hard?.Select(p => p.Key) ?? []).Order(StringComparer.Ordinal))
        {
            var pieces = resource.Split('.');
            var target = pieces.Length > 1 && pieces[0] == "limits" ? limit : request;
            target.Append(resource).Append(": ")
                .Append(Quantity.Format(Json.Node(used, resource))).Append('/')
                .Append(Quantity.Format(Json.Node(hard, resource))).Append(", ");
        }
        return [Meta.Name(obj), TrimSeparator(request), TrimSeparator(limit), Meta.Age(obj, now)];
    }

    private static string TrimSeparator(StringBuilder sb) =>
        sb.Length >= 2 ? sb.ToString(0, sb.Length - 2) : sb.ToString();
}
