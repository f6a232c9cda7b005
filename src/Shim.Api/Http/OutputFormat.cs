namespace Shim.Api.Http;

public enum OutputKind
{
    Object,
    Table,
    PartialObjectMetadata,
}

/// <summary>What the Accept header asks for: plain objects, a meta.k8s.io Table, or PartialObjectMetadata(List).</summary>
public sealed record OutputFormat(OutputKind Kind, string MetaVersion)
{
    public static readonly OutputFormat Json = new(OutputKind.Object, "v1");

    /// <summary>The first acceptable entry wins, as in upstream negotiation; null when nothing offered is servable (406).</summary>
    public static OutputFormat? Negotiate(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return Json;
        }

        foreach (var entry in accept.Split(','))
        {
            var parts = entry.Split(';').Select(p => p.Trim()).ToList();
            var media = parts[0].ToLowerInvariant();
            if (media is not ("application/json" or "application/*" or "*/*" or "application/yaml"))
            {
                continue;
            }

            var parameters = parts.Skip(1).Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
                .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
            if (!parameters.TryGetValue("as", out var asKind))
            {
                return Json;
            }

            var group = parameters.GetValueOrDefault("g");
            var version = parameters.GetValueOrDefault("v");
            if (group != "meta.k8s.io" || version is not ("v1" or "v1beta1"))
            {
                continue;
            }

            switch (asKind)
            {
                case "Table":
                    return new OutputFormat(OutputKind.Table, version);
                case "PartialObjectMetadata" or "PartialObjectMetadataList":
                    return new OutputFormat(OutputKind.PartialObjectMetadata, version);
            }
        }

        return null;
    }
}
