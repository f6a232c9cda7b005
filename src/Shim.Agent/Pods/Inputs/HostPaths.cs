namespace Shim.Agent.Pods.Inputs;

/// <summary>Host path helpers that treat symlinks the way the kernel will when Docker binds the path.</summary>
internal static class HostPaths
{
    private const int MaxSymlinks = 40;

    /// <summary>
    /// <paramref name="path"/> with every symlink resolved (like realpath(3)); components that do not exist yet are
    /// kept as written. Throws <see cref="IOException"/> on a symlink loop.
    /// </summary>
    public static string RealPath(string path)
    {
        var pending = new Stack<string>(Components(Path.GetFullPath(path)).Reverse());
        var resolved = new List<string>();
        var symlinks = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = "/" + string.Join('/', resolved.Append(part));
            var target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                resolved.Add(part);
                continue;
            }

            if (++symlinks > MaxSymlinks)
            {
                throw new IOException($"too many levels of symbolic links: {path}");
            }

            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (var targetPart in Components(target).Reverse())
            {
                pending.Push(targetPart);
            }
        }

        return "/" + string.Join('/', resolved);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it (both already real paths).</summary>
    public static bool IsWithin(string path, string root) =>
        path == root || path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>True when anything (a file, a directory, a dangling symlink) occupies the path.</summary>
    public static bool Occupied(string path) =>
        File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    /// <summary>True when <paramref name="segment"/> can name one directory entry (no separators, not "." or "..").</summary>
    public static bool IsSafeSegment(string? segment) =>
        !string.IsNullOrEmpty(segment) && segment is not ("." or "..") && !segment.Contains('/', StringComparison.Ordinal) && !segment.Contains('\0', StringComparison.Ordinal);

    /// <summary>Deletes a directory tree without following symlinks (a link to a host directory is removed, not emptied).</summary>
    public static void DeleteTree(string path)
    {
        var info = new DirectoryInfo(path);
        if (info.LinkTarget is not null || !info.Exists)
        {
            if (Occupied(path))
            {
                File.Delete(path);
            }

            return;
        }

        foreach (var entry in info.EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null)
            {
                File.Delete(entry.FullName);
            }
            else if (entry is DirectoryInfo)
            {
                DeleteTree(entry.FullName);
            }
            else
            {
                entry.Delete();
            }
        }

        info.Delete();
    }

    private static IEnumerable<string> Components(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
