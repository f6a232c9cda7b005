using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>rbac.authorization.k8s.io/v1 defaults for RoleBinding and ClusterRoleBinding.</summary>
internal static class RbacDefaults
{
    private const string GroupName = "rbac.authorization.k8s.io";

    /// <summary>The role reference points into the RBAC group; User and Group subjects belong to it, ServiceAccounts to core.</summary>
    public static void Binding(JsonObject binding)
    {
        if (Fields.Struct(binding, "roleRef") is { } roleRef)
        {
            Fields.DefaultString(roleRef, "apiGroup", GroupName);
        }

        foreach (var subject in Fields.Items(binding, "subjects"))
        {
            if (!Fields.IsEmptyString(subject, "apiGroup"))
            {
                continue;
            }

            switch (Fields.Str(subject, "kind"))
            {
                case "ServiceAccount":
                    subject["apiGroup"] = "";
                    break;
                case "User":
                case "Group":
                    subject["apiGroup"] = GroupName;
                    break;
            }
        }
    }
}
