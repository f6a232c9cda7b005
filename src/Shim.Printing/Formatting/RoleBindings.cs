using System.Text.Json.Nodes;

namespace Shim.Printing.Formatting;

/// <summary>Shared cells of RoleBinding and ClusterRoleBinding.</summary>
internal static class RoleBindings
{
    public static IReadOnlyList<object?> Cells(JsonObject obj, DateTimeOffset now)
    {
        var roleRef = $"{Json.S(obj, "roleRef", "kind")}/{Json.S(obj, "roleRef", "name")}";
        var users = new List<string>();
        var groups = new List<string>();
        var serviceAccounts = new List<string>();
        foreach (var subject in Json.Objects(obj, "subjects"))
        {
            var name = Json.S(subject, "name");
            switch (Json.S(subject, "kind"))
            {
                case "ServiceAccount":
                    serviceAccounts.Add($"{Json.S(subject, "namespace")}/{name}");
                    break;
                case "User":
                    users.Add(name);
                    break;
                case "Group":
                    groups.Add(name);
                    break;
                default:
                    // Other kinds are not shown in any column.
                    break;
            }
        }
        return
        [
            Meta.Name(obj),
            roleRef,
            Meta.Age(obj, now),
            string.Join(", ", users),
            string.Join(", ", groups),
            string.Join(", ", serviceAccounts),
        ];
    }
}
