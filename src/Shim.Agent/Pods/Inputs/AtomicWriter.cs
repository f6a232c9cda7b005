using System.Globalization;
using System.Runtime.Versioning;

namespace Shim.Agent.Pods.Inputs;

/// <summary>
/// Writes a volume's files the way the kubelet's atomic writer does, so a container that has the directory bind
/// mounted sees either the old or the new set of files, never a mix:
/// <code>
/// target/..2025_01_02_03_04_05.123456789/  the files of one version
/// target/..data -> ..2025_01_02_03_04_05.123456789   swapped with one rename(2)
/// target/key -> ..data/key                 one symlink per top-level name
/// </code>
/// </summary>
[SupportedOSPlatform("linux")]
internal static class AtomicWriter
{
    private const string DataLink = "..data";
    private const string DataLinkTemporary = "..data_tmp";
    private const UnixFileMode DirectoryMode = (UnixFileMode)0x1ED; // 0755

    /// <summary>Makes <paramref name="targetDir"/> hold exactly <paramref name="payload"/>; false when it already did.</summary>
    public static bool Write(string targetDir, IReadOnlyDictionary<string, FileProjection> payload, TimeProvider time)
    {
        var files = Validate(payload);
        Directory.CreateDirectory(targetDir);
        var dataLinkPath = Path.Join(targetDir, DataLink);
        var current = new FileInfo(dataLinkPath).LinkTarget;
        if (current is not null && Holds(Path.Join(targetDir, current), files))
        {
            LinkTopLevelNames(targetDir, files.Keys);
            return false;
        }

        var version = ".." + time.GetUtcNow().ToString("yyyy_MM_dd_HH_mm_ss.", CultureInfo.InvariantCulture) +
                      Random.Shared.NextInt64(0, 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture);
        var versionDir = Path.Join(targetDir, version);
        Directory.CreateDirectory(versionDir, DirectoryMode);
        File.SetUnixFileMode(versionDir, DirectoryMode);
        foreach (var (path, file) in files)
        {
            var full = Path.Join(versionDir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!, DirectoryMode);
            File.WriteAllBytes(full, file.Data);
            File.SetUnixFileMode(full, file.UnixMode);
        }

        var temporaryLink = Path.Join(targetDir, DataLinkTemporary);
        if (HostPaths.Occupied(temporaryLink))
        {
            File.Delete(temporaryLink);
        }

        File.CreateSymbolicLink(temporaryLink, version);
        NativeMethods.RenameReplacing(temporaryLink, dataLinkPath);

        LinkTopLevelNames(targetDir, files.Keys);
        RemoveStale(targetDir, version, files.Keys);
        return true;
    }

    /// <summary>Checks and normalizes the payload's paths: relative, no "..", not hidden behind a ".." prefix.</summary>
    private static Dictionary<string, FileProjection> Validate(IReadOnlyDictionary<string, FileProjection> payload)
    {
        var files = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        foreach (var (path, file) in payload)
        {
            if (path.StartsWith('/'))
            {
                throw new InvalidDataException($"invalid path: must be relative path: {path}");
            }

            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
            if (segments.Length == 0)
            {
                throw new InvalidDataException($"invalid path: must not be empty: {path}");
            }

            if (segments.Contains(".."))
            {
                throw new InvalidDataException($"invalid path: must not contain '..': {path}");
            }

            if (segments[0].StartsWith("..", StringComparison.Ordinal))
            {
                // Names starting with ".." are the writer's own (..data, the version directories).
                throw new InvalidDataException($"invalid path: must not start with '..': {path}");
            }

            files[string.Join('/', segments)] = file;
        }

        return files;
    }

    /// <summary>True when the version directory holds exactly these files with these contents and modes.</summary>
    private static bool Holds(string versionDir, Dictionary<string, FileProjection> files)
    {
        if (!Directory.Exists(versionDir))
        {
            return false;
        }

        var existing = Directory.EnumerateFiles(versionDir, "*", SearchOption.AllDirectories)
            .Select(full => Path.GetRelativePath(versionDir, full))
            .ToHashSet(StringComparer.Ordinal);
        if (!existing.SetEquals(files.Keys))
        {
            return false;
        }

        return files.All(pair =>
        {
            var full = Path.Join(versionDir, pair.Key);
            return File.GetUnixFileMode(full) == pair.Value.UnixMode && File.ReadAllBytes(full).AsSpan().SequenceEqual(pair.Value.Data);
        });
    }

    private static void LinkTopLevelNames(string targetDir, IEnumerable<string> paths)
    {
        foreach (var name in TopLevelNames(paths))
        {
            var link = Path.Join(targetDir, name);
            if (!HostPaths.Occupied(link))
            {
                File.CreateSymbolicLink(link, DataLink + "/" + name);
            }
        }
    }

    /// <summary>Removes links to names no longer in the payload and every version directory but the current one.</summary>
    private static void RemoveStale(string targetDir, string currentVersion, IEnumerable<string> paths)
    {
        var names = TopLevelNames(paths);
        foreach (var entry in new DirectoryInfo(targetDir).EnumerateFileSystemInfos())
        {
            if (entry.Name is DataLink or DataLinkTemporary || entry.Name == currentVersion)
            {
                continue;
            }

            if (entry.Name.StartsWith("..", StringComparison.Ordinal) && entry.LinkTarget is null && entry is DirectoryInfo)
            {
                HostPaths.DeleteTree(entry.FullName);
            }
            else if (entry.LinkTarget is not null && !names.Contains(entry.Name))
            {
                File.Delete(entry.FullName);
            }
        }
    }

    private static HashSet<string> TopLevelNames(IEnumerable<string> paths) =>
        paths.Select(path => path.Split('/')[0]).ToHashSet(StringComparer.Ordinal);
}
