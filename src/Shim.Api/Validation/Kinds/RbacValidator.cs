using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding and ClusterRoleBinding.</summary>
public static class RbacValidator
{
    private const string Group = "rbac.authorization.k8s.io";

    public static List<FieldError> ValidateRole(JsonObject obj, bool namespaced)
    {
        var errors = new List<FieldError>();
        var rules = obj.List("rules");
        for (var i = 0; i < rules.Count; i++)
        {
            PolicyRule(rules[i] as JsonObject ?? [], namespaced, $"rules[{i}]", errors);
        }

        if (!namespaced && obj["aggregationRule"] is JsonObject aggregation)
        {
            var selectors = aggregation.List("clusterRoleSelectors");
            if (selectors.Count == 0)
            {
                errors.Add(Err.Required("aggregationRule.clusterRoleSelectors", "at least one clusterRoleSelector required if aggregationRule is non-nil"));
            }

            for (var i = 0; i < selectors.Count; i++)
            {
                var p = $"aggregationRule.clusterRoleSelectors[{i}]";
                Labels.ValidateLabelSelector(selectors[i], p, errors);
                if (Labels.Classify(selectors[i]) == Labels.SelectorKind.Invalid)
                {
                    errors.Add(Err.Invalid(p, Js.Render(selectors[i]), "invalid label selector."));
                }
            }
        }

        return errors;
    }

    private static void PolicyRule(JsonObject rule, bool namespaced, string path, List<FieldError> errors)
    {
        if (rule.List("verbs").Count == 0)
        {
            errors.Add(Err.Required(path + ".verbs", "verbs must contain at least one value"));
        }

        var urls = rule.List("nonResourceURLs");
        if (urls.Count > 0)
        {
            if (namespaced)
            {
                errors.Add(Err.Invalid(path + ".nonResourceURLs", Js.Render(rule["nonResourceURLs"]), "namespaced rules cannot apply to non-resource URLs"));
            }

            if (rule.List("apiGroups").Count > 0 || rule.List("resources").Count > 0 || rule.List("resourceNames").Count > 0)
            {
                errors.Add(Err.Invalid(path + ".nonResourceURLs", Js.Render(rule["nonResourceURLs"]), "rules cannot apply to both regular resources and non-resource URLs"));
            }

            return;
        }

        if (rule.List("apiGroups").Count == 0)
        {
            errors.Add(Err.Required(path + ".apiGroups", "resource rules must supply at least one api group"));
        }

        if (rule.List("resources").Count == 0)
        {
            errors.Add(Err.Required(path + ".resources", "resource rules must supply at least one resource"));
        }
    }

    public static List<FieldError> ValidateBinding(JsonObject obj, JsonObject? old, bool namespaced)
    {
        var errors = new List<FieldError>();
        var roleRef = obj.Obj("roleRef") ?? [];
        var apiGroup = roleRef.TextOrNull("apiGroup") is { Length: > 0 } g ? g : Group;
        if (apiGroup != Group)
        {
            errors.Add(Err.NotSupported("roleRef.apiGroup", apiGroup, Group));
        }

        var kind = roleRef.Text("kind");
        if (namespaced ? kind is not ("Role" or "ClusterRole") : kind != "ClusterRole")
        {
            errors.Add(namespaced
                ? Err.NotSupported("roleRef.kind", kind, "Role", "ClusterRole")
                : Err.NotSupported("roleRef.kind", kind, "ClusterRole"));
        }

        var name = roleRef.Text("name");
        if (name.Length == 0)
        {
            errors.Add(Err.Required("roleRef.name"));
        }
        else
        {
            Err.InvalidEach(errors, "roleRef.name", name, Formats.PathSegmentName(name));
        }

        var subjects = obj.List("subjects");
        for (var i = 0; i < subjects.Count; i++)
        {
            Subject(subjects[i] as JsonObject ?? [], namespaced, $"subjects[{i}]", errors);
        }

        if (old is not null)
        {
            var oldRef = old.Obj("roleRef") ?? [];
            var oldGroup = oldRef.TextOrNull("apiGroup") is { Length: > 0 } og ? og : Group;
            if (oldGroup != apiGroup || oldRef.Text("kind") != kind || oldRef.Text("name") != name)
            {
                errors.Add(Err.Invalid("roleRef", Js.Render(roleRef), "cannot change roleRef"));
            }
        }

        return errors;
    }

    private static void Subject(JsonObject subject, bool namespaced, string path, List<FieldError> errors)
    {
        var name = subject.Text("name");
        if (name.Length == 0)
        {
            errors.Add(Err.Required(path + ".name"));
        }

        var apiGroup = subject.Text("apiGroup");
        switch (subject.Text("kind"))
        {
            case "ServiceAccount":
                if (name.Length > 0)
                {
                    Err.InvalidEach(errors, path + ".name", name, Formats.Dns1123Subdomain(name));
                }

                if (apiGroup.Length > 0)
                {
                    errors.Add(Err.NotSupported(path + ".apiGroup", apiGroup, ""));
                }

                if (!namespaced && subject.Text("namespace").Length == 0)
                {
                    errors.Add(Err.Required(path + ".namespace"));
                }

                break;
            case "User" or "Group":
                if (apiGroup.Length > 0 && apiGroup != Group)
                {
                    errors.Add(Err.NotSupported(path + ".apiGroup", apiGroup, Group));
                }

                break;
            default:
                errors.Add(Err.NotSupported(path + ".kind", subject.Text("kind"), "ServiceAccount", "User", "Group"));
                break;
        }
    }
}
