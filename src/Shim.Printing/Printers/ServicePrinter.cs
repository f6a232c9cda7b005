using System.Globalization;
using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>core/v1 Service: type, addresses and ports.</summary>
public sealed class ServicePrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Type", "How the service is exposed (ClusterIP, NodePort, LoadBalancer, ExternalName)."),
        ColumnDefs.Text("Cluster-IP", "Primary cluster-internal IP of the service."),
        ColumnDefs.Text("External-IP", "Addresses reachable from outside the cluster."),
        ColumnDefs.Text("Port(s)", "Service ports, with node ports where allocated."),
        ColumnDefs.Age,
        ColumnDefs.Selector("Label selector of the pods that back the service."),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var spec = Json.Obj(obj, "spec");
        // Stored services always carry a type; ClusterIP is the API default when a client omitted it.
        var type = Json.Str(spec, "type") is { Length: > 0 } t ? t : "ClusterIP";

        var clusterIP = "<none>";
        if (Json.Arr(spec, "clusterIPs") is { Count: > 0 } ips)
        {
            clusterIP = Json.S(ips[0]);
        }
        else if (Json.Str(spec, "clusterIP") is { Length: > 0 } single)
        {
            clusterIP = single;
        }

        var ports = string.Join(",", Json.Objects(spec, "ports").Select(FormatPort));
        if (ports.Length == 0)
        {
            ports = "<none>";
        }

        return
        [
            Meta.Name(obj),
            type,
            clusterIP,
            ExternalIP(obj, type),
            ports,
            Meta.Age(obj, now),
            Labels.FormatMap(Json.Node(spec, "selector")),
        ];
    }

    private static string FormatPort(JsonObject port)
    {
        var number = Json.L(port, "port");
        var protocol = Json.Str(port, "protocol") is { Length: > 0 } p ? p : "TCP";
        var nodePort = Json.L(port, "nodePort");
        return nodePort > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{number}:{nodePort}/{protocol}")
            : string.Create(CultureInfo.InvariantCulture, $"{number}/{protocol}");
    }

    private static string ExternalIP(JsonObject obj, string type)
    {
        var externalIPs = (Json.Arr(obj, "spec", "externalIPs") ?? []).Select(n => Json.S(n)).ToList();
        switch (type)
        {
            case "ClusterIP":
            case "NodePort":
                return externalIPs.Count > 0 ? string.Join(",", externalIPs) : "<none>";
            case "LoadBalancer":
                // Server-side tables are always wide, so the load-balancer list is never clipped.
                var lb = LoadBalancer.Addresses(Json.Obj(obj, "status", "loadBalancer"));
                if (externalIPs.Count > 0)
                {
                    var all = new List<string>();
                    if (lb.Length > 0)
                    {
                        all.AddRange(lb.Split(','));
                    }
                    all.AddRange(externalIPs);
                    return string.Join(",", all);
                }
                return lb.Length > 0 ? lb : "<pending>";
            case "ExternalName":
                return Json.S(obj, "spec", "externalName");
            default:
                return "<unknown>";
        }
    }
}
