using System.Globalization;
using System.Runtime.Versioning;
using System.Text;

namespace Shim.Agent.Pods.Inputs;

/// <summary>The host's mounts as this process sees them, and the mount/umount commands (the agent runs as root).</summary>
[SupportedOSPlatform("linux")]
internal static class MountTable
{
    private const string MountInfo = "/proc/self/mountinfo";

    /// <summary>Every mount point, unescaped (mountinfo writes a space as \040).</summary>
    public static IReadOnlyList<string> MountPoints() =>
        File.ReadLines(MountInfo)
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 4)
            .Select(fields => Unescape(fields[4]))
            .ToList();

    /// <summary>True when something is mounted exactly at <paramref name="path"/>.</summary>
    public static bool IsMountPoint(string path)
    {
        var real = HostPaths.RealPath(path);
        return MountPoints().Contains(real, StringComparer.Ordinal);
    }

    /// <summary>Mount points at or below <paramref name="root"/>, deepest first (the order to unmount them in).</summary>
    public static IReadOnlyList<string> MountPointsUnder(string root)
    {
        var real = HostPaths.RealPath(root);
        return MountPoints().Where(point => HostPaths.IsWithin(point, real)).Distinct(StringComparer.Ordinal)
            .OrderByDescending(point => point.Length).ToList();
    }

    public static Task MountTmpfsAsync(string path, long? sizeBytes, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "-t", "tmpfs" };
        if (sizeBytes is { } size)
        {
            arguments.AddRange(["-o", "size=" + size.ToString(CultureInfo.InvariantCulture)]);
        }

        arguments.AddRange(["tmpfs", path]);
        return RunAsync("mount", arguments, cancellationToken);
    }

    public static Task UnmountAsync(string path, CancellationToken cancellationToken) => RunAsync("umount", [path], cancellationToken);

    private static async Task RunAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, _, error) = await HostCommand.RunAsync(command, arguments, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new IOException($"{command} {string.Join(' ', arguments)} failed (exit {exitCode}): {error}");
        }
    }

    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
