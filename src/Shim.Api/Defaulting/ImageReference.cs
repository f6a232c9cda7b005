using System.Text.RegularExpressions;

namespace Shim.Api.Defaulting;

/// <summary>
/// Just enough of container image reference parsing (normalised Docker references) to decide the default pull
/// policy: "Always" when the tag is "latest" (which is also what an image without tag and digest means), otherwise
/// "IfNotPresent" — including digests and references that do not parse.
/// </summary>
internal static partial class ImageReference
{
    private const int NameTotalLengthMax = 255;

    public static string DefaultPullPolicy(string? image) => Tag(image) == "latest" ? "Always" : "IfNotPresent";

    /// <summary>The reference's tag ("latest" when neither tag nor digest is given), or "" when it does not parse.</summary>
    public static string Tag(string? image)
    {
        if (string.IsNullOrEmpty(image) || AnchoredIdentifier().IsMatch(image))
        {
            return "";
        }

        // Split off a registry domain the way normalisation does; otherwise the image lives on the default registry.
        string domain, remainder;
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || (image.AsSpan(0, slash).IndexOfAny('.', ':') < 0 && image[..slash] != "localhost" &&
                          image[..slash].ToLowerInvariant() == image[..slash]))
        {
            domain = "docker.io";
            remainder = image;
        }
        else
        {
            domain = image[..slash];
            remainder = image[(slash + 1)..];
        }

        if (domain == "docker.io" && !remainder.Contains('/', StringComparison.Ordinal))
        {
            remainder = "library/" + remainder;
        }

        var remoteName = remainder;
        var colon = remainder.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            remoteName = remainder[..colon];
        }

        if (remoteName.ToLowerInvariant() != remoteName)
        {
            return "";
        }

        var match = Reference().Match(domain + "/" + remainder);
        if (!match.Success || match.Groups["name"].Length > NameTotalLengthMax)
        {
            return "";
        }

        var tag = match.Groups["tag"];
        if (tag.Success)
        {
            return tag.Value;
        }

        return match.Groups["digest"].Success ? "" : "latest";
    }

    [GeneratedRegex("^[a-f0-9]{64}$")]
    private static partial Regex AnchoredIdentifier();

    // name: [domain[:port]/]component(/component)*, then an optional :tag and an optional @digest.
    [GeneratedRegex(
        @"^(?<name>(?:(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?/)?" +
        @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)" +
        @"(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?" +
        @"(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}
