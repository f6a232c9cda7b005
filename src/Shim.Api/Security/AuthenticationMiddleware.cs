using Microsoft.AspNetCore.Http;
using Shim.Api.Errors;

namespace Shim.Api.Security;

/// <summary>
/// x509 client certificates issued by the cluster CA (CN = user, O = groups) and bearer tokens from the token file.
/// Anything else gets 401, except the health and version endpoints, which upstream also serves to anyone.
/// </summary>
public sealed class AuthenticationMiddleware(RequestDelegate next, TokenStore tokens)
{
    private static readonly string[] PublicPaths = ["/healthz", "/livez", "/readyz", "/version"];

    public async Task InvokeAsync(HttpContext context)
    {
        var user = Authenticate(context);
        if (user is null && !PublicPaths.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.Ordinal)))
        {
            throw new ApiException(401, "Unauthorized", "Unauthorized");
        }

        if (user is not null)
        {
            context.Items[typeof(UserInfo)] = user;
        }

        await next(context).ConfigureAwait(false);
    }

    private UserInfo? Authenticate(HttpContext context)
    {
        // Kestrel accepted the certificate only if the cluster CA issued it (checked once per connection).
        var certificate = context.Connection.ClientCertificate;
        if (certificate is not null)
        {
            var name = certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false);
            var groups = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
                .Where(r => r.GetSingleElementType().Value == "2.5.4.10")
                .Select(r => r.GetSingleElementValue() ?? "")
                .ToList();
            return new UserInfo(name, groups);
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return tokens.Find(header["Bearer ".Length..].Trim());
        }

        return null;
    }
}
