using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>discovery.k8s.io/v1 EndpointSlice: address type, ports and up to three addresses.</summary>
public sealed class EndpointSlicePrinter : ITablePrinter
{
    private const int Max = 3;

    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("AddressType", "IPv4, IPv6 or FQDN."),
        ColumnDefs.Text("Ports", "Port numbers (or names) of the slice."),
        ColumnDefs.Text("Endpoints", "Addresses of the endpoints in the slice."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var ports = Json.Objects(obj, "ports").Select(p =>
            Json.Long(p, "port") is { } n ? n.ToString(CultureInfo.InvariantCulture) : Json.Str(p, "name") ?? "*");
        var addresses = Json.Objects(obj, "endpoints").SelectMany(e =>
            (Json.Arr(e, "addresses") ?? []).Select(a => Json.S(a)));
        return [Meta.Name(obj), Json.S(obj, "addressType"), Limit(ports), Limit(addresses), Meta.Age(obj, now)];
    }

    private static string Limit(IEnumerable<string> items)
    {
        var shown = new List<string>();
        var count = 0;
        var more = false;
        foreach (var item in items)
        {
            if (shown.Count < Max)
            {
                shown.Add(item);
            }
            else
            {
                more = true;
            }
            count++;
        }
        return Meta.ListWithMore(shown, more, count, Max);
    }
}
