using System.Text.Json.Nodes;
using Shim.Api.Json;

namespace Shim.Api.Defaulting;

/// <summary>apiextensions.k8s.io/v1 CustomResourceDefinition defaults.</summary>
internal static class ApiExtensionsDefaults
{
    private const long DefaultWebhookPort = 443;

    public static void CustomResourceDefinition(JsonObject crd)
    {
        if (Fields.Struct(crd, "spec") is not { } spec)
        {
            return;
        }

        if (Fields.Struct(spec, "names") is { } names)
        {
            var kind = Fields.Str(names, "kind") ?? "";
            if (Fields.IsEmptyString(names, "singular"))
            {
                names["singular"] = kind.ToLowerInvariant();
            }

            if (Fields.IsEmptyString(names, "listKind") && kind.Length > 0)
            {
                names["listKind"] = kind + "List";
            }
        }

        Fields.DefaultPointer(spec, "conversion", () => new JsonObject { ["strategy"] = "None" });
        if (Fields.Obj(Fields.Obj(Fields.Obj(Fields.Obj(spec, "conversion"), "webhook"), "clientConfig"), "service") is { } service)
        {
            Fields.DefaultPointer(service, "port", DefaultWebhookPort);
        }

        // The storage version is recorded as stored from the start.
        if (Fields.Items(spec, "versions").FirstOrDefault(v => Fields.IsTrue(v, "storage")) is { } storage &&
            Fields.Str(storage, "name") is { } storageName &&
            !Fields.IsNonEmptyArray(crd.At("status", "storedVersions")) &&
            Fields.Struct(crd, "status") is { } status && status["storedVersions"] is null or JsonArray)
        {
            status["storedVersions"] = new JsonArray(storageName);
        }
    }
}
