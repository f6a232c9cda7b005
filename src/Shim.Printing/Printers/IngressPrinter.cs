using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>networking.k8s.io/v1 Ingress: class, hosts, load-balancer address and ports.</summary>
public sealed class IngressPrinter : ITablePrinter
{
    private const int MaxHosts = 3;

    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Class", "Ingress class that handles this ingress."),
        ColumnDefs.Text("Hosts", "Host names the rules match."),
        ColumnDefs.Text("Address", "Load-balancer addresses serving the ingress."),
        ColumnDefs.Text("Ports", "Ports served: 80, plus 443 when TLS is configured."),
        ColumnDefs.Age,
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var spec = Json.Obj(obj, "spec");
        return
        [
            Meta.Name(obj),
            Json.Str(spec, "ingressClassName") ?? "<none>",
            Hosts(Json.Objects(spec, "rules").ToList()),
            // Server-side tables are always wide, so the address list is never clipped.
            LoadBalancer.Addresses(Json.Obj(obj, "status", "loadBalancer")),
            Json.Count(spec, "tls") > 0 ? "80, 443" : "80",
            Meta.Age(obj, now),
        ];
    }

    private static string Hosts(List<JsonObject> rules)
    {
        var list = new List<string>();
        var more = false;
        foreach (var rule in rules)
        {
            if (list.Count == MaxHosts)
            {
                more = true;
            }
            if (!more && Json.Str(rule, "host") is { Length: > 0 } host)
            {
                list.Add(host);
            }
        }
        if (list.Count == 0)
        {
            return "*";
        }
        var joined = string.Join(",", list);
        // The overflow count is taken over all rules, host or not, as upstream does.
        return more ? $"{joined} + {rules.Count - MaxHosts} more..." : joined;
    }
}
