using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>core/v1 Endpoints: up to three ready ip:port pairs.</summary>
public sealed class EndpointsPrinter : ITablePrinter
{
    private const int Max = 3;

    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Endpoints", "Ready addresses with their ports."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) =>
        [Meta.Name(obj), Format(obj), Meta.Age(obj, now)];

    private static string Format(JsonObject obj)
    {
        var subsets = Json.Arr(obj, "subsets");
        if (subsets is null || subsets.Count == 0)
        {
            return "<none>";
        }
        var list = new List<string>();
        var more = false;
        var count = 0;
        foreach (var subset in subsets.OfType<JsonObject>())
        {
            var addresses = Json.Objects(subset, "addresses").Select(a => Json.S(a, "ip")).ToList();
            var ports = Json.Objects(subset, "ports").ToList();
            if (ports.Count == 0)
            {
                // Headless services may have addresses without ports.
                count += addresses.Count;
                foreach (var ip in addresses)
                {
                    if (list.Count == Max)
                    {
                        more = true;
                        break;
                    }
                    list.Add(ip);
                }
                continue;
            }
            foreach (var port in ports)
            {
                count += addresses.Count;
                foreach (var ip in addresses)
                {
                    if (list.Count == Max)
                    {
                        more = true;
                        break;
                    }
                    list.Add(JoinHostPort(ip, Json.L(port, "port")));
                }
            }
        }
        var joined = string.Join(",", list);
        return more ? $"{joined} + {count - Max} more..." : joined;
    }

    // IPv6 addresses need brackets before the port, like Go's net.JoinHostPort.
    private static string JoinHostPort(string host, long port) =>
        host.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"[{host}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{host}:{port}");
}
