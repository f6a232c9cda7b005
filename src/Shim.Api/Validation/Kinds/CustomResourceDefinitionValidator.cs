using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>apiextensions.k8s.io/v1 CustomResourceDefinition: name, group, names, scope, versions and schemas.</summary>
public static class CustomResourceDefinitionValidator
{
    private static readonly HashSet<string> ColumnTypes = ["boolean", "date", "integer", "number", "string"];
    private static readonly HashSet<string> ColumnFormats = ["byte", "date", "date-time", "double", "float", "int32", "int64", "password"];

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        var names = spec.Obj("names") ?? [];
        var group = spec.Text("group");
        var plural = names.Text("plural");
        var name = obj.Obj("metadata").Text("name");
        if (old is null && name.Length > 0 && name != plural + "." + group)
        {
            errors.Add(Err.Invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }

        if (group.Length == 0)
        {
            errors.Add(Err.Required("spec.group"));
        }
        else if (Formats.Dns1123Subdomain(group) is { Count: > 0 } problems)
        {
            errors.Add(Err.Invalid("spec.group", group, string.Join(",", problems)));
        }
        else if (group.Split('.').Length < 2)
        {
            errors.Add(Err.Invalid("spec.group", group, "should be a domain with at least one dot"));
        }

        var scope = spec.Text("scope");
        if (scope.Length == 0)
        {
            errors.Add(Err.Required("spec.scope"));
        }
        else if (scope is not ("Cluster" or "Namespaced"))
        {
            errors.Add(Err.NotSupported("spec.scope", scope, "Cluster", "Namespaced"));
        }

        Versions(spec, errors);
        if (spec.Flag("preserveUnknownFields"))
        {
            errors.Add(Err.Invalid("spec.preserveUnknownFields", true, "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"));
        }

        if (plural.Length == 0)
        {
            errors.Add(Err.Required("spec.names.plural"));
        }

        var kind = names.Text("kind");
        if (kind.Length == 0)
        {
            errors.Add(Err.Required("spec.names.kind"));
        }

        Names(names, "spec.names", errors);
        Conversion(spec.Obj("conversion"), errors);
        if (old is not null)
        {
            var oldSpec = old.Obj("spec") ?? [];
            var established = old.Obj("status").List("conditions").Any(c => c.Text("type") == "Established" && c.Text("status") == "True");
            if (established)
            {
                if (scope != oldSpec.Text("scope"))
                {
                    errors.Add(Err.ImmutableField("spec.scope", scope));
                }

                if (kind != oldSpec.Obj("names").Text("kind"))
                {
                    errors.Add(Err.ImmutableField("spec.names.kind", kind));
                }
            }

            if (group != oldSpec.Text("group"))
            {
                errors.Add(Err.ImmutableField("spec.group", group));
            }

            if (plural != oldSpec.Obj("names").Text("plural"))
            {
                errors.Add(Err.ImmutableField("spec.names.plural", plural));
            }
        }

        return errors;
    }

    private static void Versions(JsonObject spec, List<FieldError> errors)
    {
        var versions = spec.List("versions");
        var storage = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = true;
        for (var i = 0; i < versions.Count; i++)
        {
            var version = versions[i] as JsonObject ?? [];
            var vp = $"spec.versions[{i}]";
            var name = version.Text("name");
            if (version.Flag("storage"))
            {
                storage++;
            }

            unique &= seen.Add(name);
            if (Formats.Dns1035Label(name) is { Count: > 0 } problems)
            {
                errors.Add(Err.Invalid(vp + ".name", name, string.Join(",", problems)));
            }

            if (version.Obj("schema")?["openAPIV3Schema"] is not JsonObject schema)
            {
                errors.Add(Err.Required(vp + ".schema.openAPIV3Schema", "schemas are required"));
            }
            else
            {
                Structural(schema, vp + ".schema.openAPIV3Schema", Level.Root, errors);
            }

            var columns = version.List("additionalPrinterColumns");
            for (var j = 0; j < columns.Count; j++)
            {
                Column(columns[j] as JsonObject ?? [], $"{vp}.additionalPrinterColumns[{j}]", errors);
            }
        }

        if (!unique)
        {
            errors.Add(Err.Invalid("spec.versions", Js.Render(spec["versions"]), "must contain unique version names"));
        }

        if (storage != 1)
        {
            errors.Add(Err.Invalid("spec.versions", Js.Render(spec["versions"]), "must have exactly one version marked as storage version"));
        }
    }

    private enum Level
    {
        Root,
        Items,
        Field,
    }

    private static void Structural(JsonObject schema, string path, Level level, List<FieldError> errors)
    {
        var type = schema.Text("type");
        if (type.Length == 0 && !schema.Flag("x-kubernetes-embedded-resource") && !schema.Flag("x-kubernetes-int-or-string"))
        {
            errors.Add(Err.Required(path + ".type", level switch
            {
                Level.Root => "must not be empty at the root",
                Level.Items => "must not be empty for specified array items",
                _ => "must not be empty for specified object fields",
            }));
        }

        if (level == Level.Root && type.Length > 0 && type != "object")
        {
            errors.Add(Err.Invalid(path + ".type", type, "must be object at the root"));
        }

        foreach (var (name, child) in schema.Obj("properties") ?? [])
        {
            if (child is JsonObject c)
            {
                Structural(c, $"{path}.properties[{name}]", Level.Field, errors);
            }
        }

        if (schema["items"] is JsonObject items)
        {
            Structural(items, path + ".items", Level.Items, errors);
        }

        if (schema["additionalProperties"] is JsonObject additional)
        {
            Structural(additional, path + ".additionalProperties", Level.Field, errors);
        }
    }

    private static void Column(JsonObject column, string path, List<FieldError> errors)
    {
        if (column.Text("name").Length == 0)
        {
            errors.Add(Err.Required(path + ".name"));
        }

        var types = string.Join(",", ColumnTypes.Order(StringComparer.Ordinal));
        var type = column.Text("type");
        if (type.Length == 0)
        {
            errors.Add(Err.Required(path + ".type", $"must be one of {types}"));
        }
        else if (!ColumnTypes.Contains(type))
        {
            errors.Add(Err.Invalid(path + ".type", type, $"must be one of {types}"));
        }

        var format = column.Text("format");
        if (format.Length > 0 && !ColumnFormats.Contains(format))
        {
            errors.Add(Err.Invalid(path + ".format", format, $"must be one of {string.Join(",", ColumnFormats.Order(StringComparer.Ordinal))}"));
        }

        if (column.Text("jsonPath").Length == 0)
        {
            errors.Add(Err.Required(path + ".jsonPath"));
        }
    }

    private static void Names(JsonObject names, string path, List<FieldError> errors)
    {
        var kind = names.Text("kind");
        var singular = names.TextOrNull("singular") is { Length: > 0 } s ? s : kind.ToLowerInvariant();
        var listKind = names.TextOrNull("listKind") is { Length: > 0 } l ? l : kind.Length > 0 ? kind + "List" : "";
        foreach (var (field, value) in new[] { ("plural", names.Text("plural")), ("singular", singular) })
        {
            if (value.Length > 0 && Formats.Dns1035Label(value) is { Count: > 0 } problems)
            {
                errors.Add(Err.Invalid($"{path}.{field}", value, string.Join(",", problems)));
            }
        }

        foreach (var (field, value) in new[] { ("kind", kind), ("listKind", listKind) })
        {
            if (value.Length > 0 && Formats.Dns1035Label(value.ToLowerInvariant()) is { Count: > 0 } problems)
            {
                errors.Add(Err.Invalid($"{path}.{field}", value, "may have mixed case, but should otherwise match: " + string.Join(",", problems)));
            }
        }

        foreach (var field in new[] { "shortNames", "categories" })
        {
            var items = names.List(field);
            for (var i = 0; i < items.Count; i++)
            {
                var value = Js.AsText(items[i]) ?? "";
                if (Formats.Dns1035Label(value) is { Count: > 0 } problems)
                {
                    errors.Add(Err.Invalid($"{path}.{field}[{i}]", value, string.Join(",", problems)));
                }
            }
        }

        if (kind.Length > 0 && kind == listKind)
        {
            errors.Add(Err.Invalid(path + ".listKind", listKind, "kind and listKind may not be the same"));
        }
    }

    private static void Conversion(JsonObject? conversion, List<FieldError> errors)
    {
        if (conversion is null)
        {
            return;
        }

        var strategy = conversion.Text("strategy");
        if (strategy.Length > 0 && strategy is not ("None" or "Webhook"))
        {
            errors.Add(Err.NotSupported("spec.conversion.strategy", strategy, "None", "Webhook"));
        }

        if (strategy == "Webhook")
        {
            if (conversion["webhook"] is not JsonObject webhook)
            {
                errors.Add(Err.Required("spec.conversion.webhook", "required when strategy is set to Webhook"));
                return;
            }

            if (!webhook.IsSet("clientConfig"))
            {
                errors.Add(Err.Required("spec.conversion.webhook.clientConfig", "required when strategy is set to Webhook"));
            }

            var reviewVersions = webhook.List("conversionReviewVersions").Select(v => Js.AsText(v)).ToList();
            if (!reviewVersions.Contains("v1") && !reviewVersions.Contains("v1beta1"))
            {
                errors.Add(Err.Invalid("spec.conversion.webhook.conversionReviewVersions", Js.Render(webhook["conversionReviewVersions"]), "must include at least one of v1, v1beta1"));
            }
        }
        else if (conversion.IsSet("webhook"))
        {
            errors.Add(Err.Forbidden("spec.conversion.webhook", "should not be set when strategy is not set to Webhook"));
        }
    }
}
