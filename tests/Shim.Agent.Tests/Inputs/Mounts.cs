namespace Shim.Agent.Tests.Inputs;

/// <summary>Reads /proc/self/mountinfo, independently of the code under test.</summary>
internal static class Mounts
{
    /// <summary>(mount point, filesystem type, super options) of every mount at or below <paramref name="root"/>.</summary>
    public static IReadOnlyList<(string MountPoint, string Type, string Options)> Details(string root) =>
        File.ReadLines("/proc/self/mountinfo")
            .Select(line =>
            {
                // mount ID, parent, major:minor, root, mount point, options, optional fields..., "-", type, source, super options
                var fields = line.Split(' ');
                var separator = Array.IndexOf(fields, "-");
                return (MountPoint: fields[4], Type: fields[separator + 1], Options: fields[separator + 3]);
            })
            .Where(mount => mount.MountPoint == root || mount.MountPoint.StartsWith(root + "/", StringComparison.Ordinal))
            .ToList();

    public static IReadOnlyList<string> Under(string root) => Details(root).Select(mount => mount.MountPoint).ToList();
}
