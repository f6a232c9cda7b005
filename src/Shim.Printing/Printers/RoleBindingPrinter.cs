using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Printers;

/// <summary>rbac.authorization.k8s.io/v1 RoleBinding: the role granted and to whom.</summary>
public sealed class RoleBindingPrinter : ITablePrinter
{
    private static readonly TableColumn[] ColumnList =
    [
        ColumnDefs.Name(),
        ColumnDefs.Text("Role", "Kind and name of the role granted."),
        ColumnDefs.Age,
        ColumnDefs.Text("Users", "Users bound by the role binding.", 1),
        ColumnDefs.Text("Groups", "Groups bound by the role binding.", 1),
        ColumnDefs.Text("ServiceAccounts", "Service accounts (namespace/name) bound by the role binding.", 1),
    ];

    public IReadOnlyList<TableColumn> Columns => ColumnList;

    public IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now) => RoleBindings.Cells(obj, now);
}
