using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>core/v1 Node: readiness, roles, kubelet version and host details.</summary>
public sealed class NodePrinter : ITablePrinter
{
    private const string RolePrefix = "node-role.kubernetes.io/";
    private const string RoleLabel = "kubernetes.io/role";

    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Status", "Readiness of the node and whether it accepts new pods."),
        ColumnDefs.Text("Roles", "Roles taken from the node's role labels."),
        ColumnDefs.Age,
        ColumnDefs.Text("Version", "Kubelet version reported by the node."),
        ColumnDefs.Text("Internal-IP", "First InternalIP address of the node.", 1),
        ColumnDefs.Text("External-IP", "First ExternalIP address of the node.", 1),
        ColumnDefs.Text("OS-Image", "Operating system image reported by the node.", 1),
        ColumnDefs.Text("Kernel-Version", "Kernel version reported by the node.", 1),
        ColumnDefs.Text("Container-Runtime", "Container runtime and version reported by the node.", 1),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var status = Json.Obj(obj, "status");
        var parts = new List<string>();
        // Later entries of the same type override earlier ones, as the upstream map does.
        var ready = Json.Objects(status, "conditions").LastOrDefault(c => Json.S(c, "type") == "Ready");
        parts.Add(ready is null ? "Unknown" : Json.S(ready, "status") == "True" ? "Ready" : "NotReady");
        if (Json.Bool(obj, "spec", "unschedulable") == true)
        {
            parts.Add("SchedulingDisabled");
        }

        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in Json.StringMap(obj, "metadata", "labels"))
        {
            if (key.StartsWith(RolePrefix, StringComparison.Ordinal))
            {
                if (key.Length > RolePrefix.Length)
                {
                    roles.Add(key[RolePrefix.Length..]);
                }
            }
            else if (key == RoleLabel && value.Length > 0)
            {
                roles.Add(value);
            }
        }

        var info = Json.Obj(status, "nodeInfo");
        return
        [
            Meta.Name(obj),
            string.Join(",", parts),
            roles.Count == 0 ? "<none>" : string.Join(",", roles),
            Meta.Age(obj, now),
            Json.S(info, "kubeletVersion"),
            Address(status, "InternalIP"),
            Address(status, "ExternalIP"),
            UnknownIfEmpty(Json.S(info, "osImage")),
            UnknownIfEmpty(Json.S(info, "kernelVersion")),
            UnknownIfEmpty(Json.S(info, "containerRuntimeVersion")),
        ];
    }

    private static string Address(JsonObject? status, string type) =>
        Json.Objects(status, "addresses").FirstOrDefault(a => Json.S(a, "type") == type) is { } a
            ? Json.S(a, "address")
            : "<none>";

    private static string UnknownIfEmpty(string s) => s.Length == 0 ? "<unknown>" : s;
}
