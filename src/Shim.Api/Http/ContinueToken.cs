using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Http;

/// <summary>
/// The paging token: unpadded base64url of {"v":"meta.k8s.io/v1","rv":REVISION,"start":"LAST KEY"}.
/// Pages continue after the last key returned, over the snapshot at the first page's revision.
/// </summary>
public sealed record ContinueToken(long Revision, string AfterKey)
{
    public string Encode()
    {
        var json = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = Revision, ["start"] = AfterKey }.ToJsonString();
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static ContinueToken Decode(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var node = JsonNode.Parse(Convert.FromBase64String(base64), documentOptions: BodyReader.JsonOptions) as JsonObject;
            if (node?["v"]?.GetValue<string>() != "meta.k8s.io/v1")
            {
                throw Invalid("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
            }

            var rv = node["rv"]?.GetValue<long>() ?? 0;
            var start = node["start"]?.GetValue<string>() ?? "";
            if (rv <= 0 || start.Length == 0)
            {
                throw Invalid("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
            }

            return new ContinueToken(rv, start);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            throw Invalid("continue key is not valid: " + ex.Message);
        }
    }

    private static ApiException Invalid(string detail) => ApiException.BadRequest($"invalid continue token: {detail}");
}
