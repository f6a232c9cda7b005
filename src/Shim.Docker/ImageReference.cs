namespace Shim.Docker;

/// <summary>
/// An image name split the way dockerd's /images/create wants it: <c>registry:5000/team/app:1.2</c> →
/// <see cref="Repository"/> <c>registry:5000/team/app</c>, <see cref="Tag"/> <c>1.2</c>; a name without tag or digest
/// means <c>:latest</c>; <c>app@sha256:…</c> has a <see cref="Digest"/> and no tag.
/// </summary>
public sealed record ImageReference
{
    public const string DockerHubRegistry = "docker.io";

    /// <summary>The name without tag or digest, as written (no docker.io/library/ added).</summary>
    public required string Repository { get; init; }

    /// <summary>The tag; "latest" when neither tag nor digest was given; null with a digest only.</summary>
    public string? Tag { get; init; }

    /// <summary>The digest such as sha256:abc…, or null.</summary>
    public string? Digest { get; init; }

    /// <summary>The registry host (with port), docker.io for names without one.</summary>
    public required string Registry { get; init; }

    /// <summary>The repository path inside its registry (library/NAME for official Docker Hub images).</summary>
    public required string Path { get; init; }

    /// <summary>What the tag query parameter of POST /images/create carries: the digest if any, else the tag.</summary>
    public string TagOrDigest => Digest ?? Tag ?? "latest";

    public static ImageReference Parse(string image)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        var name = image;
        string? digest = null;
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = name[(at + 1)..];
            name = name[..at];
        }

        string? tag = null;
        // A colon after the last slash separates the tag; one before it belongs to registry:port.
        var colon = name.LastIndexOf(':');
        if (colon > name.LastIndexOf('/'))
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
        }

        if (name.Length == 0 || tag?.Length == 0 || digest?.Length == 0)
        {
            throw new ArgumentException($"invalid image reference: {image}", nameof(image));
        }

        if (tag is null && digest is null)
        {
            tag = "latest";
        }

        var (registry, path) = SplitRegistry(name);
        return new ImageReference { Repository = name, Tag = tag, Digest = digest, Registry = registry, Path = path };
    }

    /// <summary>Docker Hub's other names (index.docker.io, registry-1.docker.io, …) become docker.io; other hosts are lower-cased.</summary>
    public static string NormalizeRegistry(string host)
    {
        var lower = host.ToLowerInvariant();
        return lower is "docker.io" or "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com" ? DockerHubRegistry : lower;
    }

    private static (string Registry, string Path) SplitRegistry(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var first = name[..slash];
            // Docker's rule: the first component is a registry when it looks like a host (has a dot or port, or is localhost).
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
            {
                var registry = NormalizeRegistry(first);
                var path = name[(slash + 1)..];
                if (registry == DockerHubRegistry && !path.Contains('/', StringComparison.Ordinal))
                {
                    path = "library/" + path;
                }

                return (registry, path);
            }

            return (DockerHubRegistry, name);
        }

        return (DockerHubRegistry, "library/" + name);
    }
}
