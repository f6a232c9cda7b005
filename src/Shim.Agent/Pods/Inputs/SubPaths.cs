using System.Runtime.Versioning;

namespace Shim.Agent.Pods.Inputs;

/// <summary>volumeMounts[].subPath and subPathExpr: the kubelet's checks, expansion and creation of missing directories.</summary>
[SupportedOSPlatform("linux")]
internal static class SubPaths
{
    /// <summary>Expands a subPathExpr; every referenced variable must be defined and non-empty, as upstream requires.</summary>
    public static string ExpandExpression(string expression, IReadOnlyList<string> environment, string reason)
    {
        var lookup = VariableExpansion.LookupFor(environment);
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var expanded = VariableExpansion.Expand(expression, name =>
        {
            var value = lookup(name);
            if (string.IsNullOrEmpty(value))
            {
                missing.Add(name);
            }

            return value ?? "";
        });
        return missing.Count == 0
            ? expanded
            : throw new PodInputException(reason, "missing value for " + string.Join(", ", missing));
    }

    /// <summary>
    /// The host path to bind for <paramref name="subPath"/> of a volume, created as a directory (with the volume
    /// directory's mode) when absent. Symlinks are resolved and must stay inside the volume, so a container cannot
    /// point a subPath at the host's filesystem.
    /// </summary>
    public static string Prepare(string volumePath, string subPath, string volumeName, string? containerName, string reason)
    {
        if (subPath.StartsWith('/'))
        {
            throw new PodInputException(reason, $"error SubPath `{subPath}` must not be an absolute path");
        }

        if (subPath.Split('/').Contains(".."))
        {
            throw new PodInputException(reason, $"unable to provision SubPath `{subPath}`: must not contain '..'");
        }

        var volumeRoot = HostPaths.RealPath(volumePath);
        var requested = Path.Join(volumeRoot, subPath);
        try
        {
            var resolved = HostPaths.RealPath(requested);
            if (!HostPaths.IsWithin(resolved, volumeRoot))
            {
                throw new PodInputException(reason, $"failed to prepare subPath for volumeMount \"{volumeName}\" of container \"{containerName}\"");
            }

            if (!HostPaths.Occupied(resolved))
            {
                // Created now rather than by Docker, which would use its own mode. Each new level gets the volume's
                // mode exactly (not reduced by the umask), so an emptyDir subPath stays writable for any container user.
                var mode = File.GetUnixFileMode(volumeRoot);
                var level = volumeRoot;
                foreach (var segment in Path.GetRelativePath(volumeRoot, resolved).Split('/'))
                {
                    level = Path.Join(level, segment);
                    if (!HostPaths.Occupied(level))
                    {
                        Directory.CreateDirectory(level);
                        File.SetUnixFileMode(level, mode);
                    }
                }
            }

            return resolved;
        }
        catch (IOException)
        {
            // The details name host paths; the user sees what the kubelet says.
            throw new PodInputException(reason, $"failed to create subPath directory for volumeMount \"{volumeName}\" of container \"{containerName}\"");
        }
    }
}
