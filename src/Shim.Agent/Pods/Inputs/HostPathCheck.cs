using System.Runtime.Versioning;

namespace Shim.Agent.Pods.Inputs;

/// <summary>hostPath volume types: the kubelet's existence and file type checks, creating where the type says so.</summary>
[SupportedOSPlatform("linux")]
internal static class HostPathCheck
{
    private const UnixFileMode DirectoryMode = (UnixFileMode)0x1ED; // 0755, as the kubelet creates them
    private const UnixFileMode CreatedFileMode = (UnixFileMode)0x1A4; // 0644

    /// <summary>Throws <see cref="PodInputException"/> (FailedMount) with the kubelet's message when the path does not fit the type.</summary>
    public static async Task CheckAsync(string path, string? type, CancellationToken cancellationToken)
    {
        switch (type ?? "")
        {
            case "":
                // No check upstream; the CRI runtime (containerd, dockershim's Binds) then creates a missing path as a
                // directory. Docker's Mounts API refuses a missing source, so it is created here instead.
                if (!HostPaths.Occupied(path))
                {
                    Directory.CreateDirectory(path, DirectoryMode);
                }

                break;
            case "DirectoryOrCreate":
                if (!HostPaths.Occupied(path))
                {
                    Directory.CreateDirectory(path, DirectoryMode);
                }

                Require(Directory.Exists(path), $"{path} is not a directory");
                break;
            case "Directory":
                Require(Directory.Exists(path), $"{path} is not a directory");
                break;
            case "FileOrCreate":
                if (!HostPaths.Occupied(path))
                {
                    // Like the kubelet, the parent directory must already exist.
                    try
                    {
                        using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = CreatedFileMode });
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        throw new PodInputException("FailedMount", $"open {path}: {e.Message}");
                    }
                }

                Require(File.Exists(path), $"{path} is not a file");
                break;
            case "File":
                Require(File.Exists(path), $"{path} is not a file");
                break;
            case "Socket":
                Require(await FileTypeAsync(path, cancellationToken).ConfigureAwait(false) == "socket", $"{path} is not a socket file");
                break;
            case "CharDevice":
                Require(await FileTypeAsync(path, cancellationToken).ConfigureAwait(false) == "character special file", $"{path} is not a character device");
                break;
            case "BlockDevice":
                Require(await FileTypeAsync(path, cancellationToken).ConfigureAwait(false) == "block special file", $"{path} is not a block device");
                break;
            default:
                throw new PodInputException("FailedMount", $"hostPath type check failed: invalid type \"{type}\"");
        }
    }

    private static void Require(bool condition, string failure)
    {
        if (!condition)
        {
            throw new PodInputException("FailedMount", "hostPath type check failed: " + failure);
        }
    }

    /// <summary>
    /// The file type as stat(1) names it, following symlinks like the kubelet's os.Stat; null when the path is
    /// missing. .NET has no API for sockets and devices, and stat is part of coreutils.
    /// </summary>
    private static async Task<string?> FileTypeAsync(string path, CancellationToken cancellationToken)
    {
        if (!HostPaths.Occupied(path))
        {
            return null;
        }

        var (exitCode, output, _) = await HostCommand.RunAsync("stat", ["-L", "-c", "%F", "--", path], cancellationToken).ConfigureAwait(false);
        return exitCode == 0 ? output : null;
    }
}
