using System.Text;
using System.Text.Json.Nodes;

namespace Shim.Docker;

/// <summary>
/// Builds the X-Registry-Auth header of a pull from Kubernetes image pull secrets: the payloads of
/// <c>kubernetes.io/dockerconfigjson</c> (<c>{"auths":{SERVER:{…}}}</c>) or <c>kubernetes.io/dockercfg</c>
/// (<c>{SERVER:{…}}</c>) secrets.
/// </summary>
public static class RegistryAuth
{
    /// <summary>
    /// The header value for pulling <paramref name="image"/>, or null when no entry's server matches the image's registry.
    /// A server key matches by host (docker.io aliases are one host, <c>*.example.com</c> matches one label); a key with a
    /// path (<c>example.com/team</c>) only matches images under that path, and the longest matching key wins; among
    /// equal keys the first payload wins. Entries without credentials are ignored.
    /// </summary>
    public static string? ForImage(string image, IReadOnlyList<string> dockerConfigJsons)
    {
        ArgumentNullException.ThrowIfNull(dockerConfigJsons);
        var reference = ImageReference.Parse(image);
        string? best = null;
        var bestLength = -1;
        foreach (var payload in dockerConfigJsons)
        {
            foreach (var (server, entry) in Entries(payload))
            {
                var matchLength = MatchLength(server, reference);
                if (matchLength > bestLength && Encode(server, entry) is { } header)
                {
                    best = header;
                    bestLength = matchLength;
                }
            }
        }

        return best;
    }

    /// <summary>The base64url (padded, as the docker CLI writes it) JSON of X-Registry-Auth.</summary>
    public static string EncodeHeader(JsonObject authConfig)
    {
        ArgumentNullException.ThrowIfNull(authConfig);
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(authConfig.ToJsonString()));
        return base64.Replace('+', '-').Replace('/', '_');
    }

    private static IEnumerable<(string Server, JsonObject Entry)> Entries(string payload)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(payload) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            // A malformed secret must not break pulls that other secrets or anonymous access can serve.
            yield break;
        }

        if (root is null)
        {
            yield break;
        }

        var auths = root["auths"] as JsonObject ?? root;
        foreach (var (server, entry) in auths)
        {
            if (entry is JsonObject entryObject)
            {
                yield return (server, entryObject);
            }
        }
    }

    /// <summary>-1 when <paramref name="server"/> does not cover the image, else a score that grows with the key's specificity.</summary>
    private static int MatchLength(string server, ImageReference image)
    {
        var key = server.Trim();
        var schemeEnd = key.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            key = key[(schemeEnd + 3)..];
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? key : key[..slash];
        var path = slash < 0 ? "" : key[(slash + 1)..].Trim('/');
        // Docker Hub's legacy key is https://index.docker.io/v1/: the "v1"/"v2" is the API, not a repository path.
        if (path is "v1" or "v2")
        {
            path = "";
        }

        if (!HostMatches(ImageReference.NormalizeRegistry(host), image.Registry))
        {
            return -1;
        }

        if (path.Length > 0 && !(image.Path == path || image.Path.StartsWith(path + "/", StringComparison.Ordinal)))
        {
            return -1;
        }

        return host.Length + path.Length;
    }

    private static bool HostMatches(string pattern, string host)
    {
        if (!pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            return pattern == host;
        }

        // *.example.com matches exactly one more label: a.example.com, not example.com nor a.b.example.com.
        var suffix = pattern[1..];
        return host.EndsWith(suffix, StringComparison.Ordinal) && !host[..^suffix.Length].Contains('.', StringComparison.Ordinal) && host.Length > suffix.Length;
    }

    private static string? Encode(string server, JsonObject entry)
    {
        var username = StringField(entry, "username");
        var password = StringField(entry, "password");
        var identityToken = StringField(entry, "identitytoken");
        if (StringField(entry, "auth") is { Length: > 0 } auth && (string.IsNullOrEmpty(username) || password is null))
        {
            (username, password) = DecodeUserPassword(auth);
        }

        JsonObject config;
        if (!string.IsNullOrEmpty(identityToken))
        {
            config = new JsonObject { ["identitytoken"] = identityToken, ["serveraddress"] = server };
        }
        else if (!string.IsNullOrEmpty(username))
        {
            config = new JsonObject { ["username"] = username, ["password"] = password ?? "", ["serveraddress"] = server };
        }
        else
        {
            return null;
        }

        return EncodeHeader(config);
    }

    private static string? StringField(JsonObject entry, string name) =>
        entry[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static (string? User, string? Password) DecodeUserPassword(string auth)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
        }
        catch (FormatException)
        {
            return (null, null);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (null, null) : (decoded[..colon], decoded[(colon + 1)..]);
    }
}
