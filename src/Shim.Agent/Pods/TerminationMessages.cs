using System.Text;
using Shim.Docker;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods;

/// <summary>
/// The message of an exited container: the file it wrote at terminationMessagePath (bound to a host file), or with
/// FallbackToLogsOnError and a failure, the tail of its logs; bounded like upstream (4 KiB file, 80 lines / 2 KiB of logs).
/// </summary>
public static class TerminationMessages
{
    private const int MaxFileBytes = 4096;
    private const int MaxLogBytes = 2048;
    private const int LogLines = 80;

    /// <summary>{PodsRoot}/{uid}/containers/{name}/{attempt}.termination-log</summary>
    public static string HostFile(string podsRoot, string podUid, string containerName, int attempt) =>
        Path.Combine(podsRoot, podUid, "containers", containerName, $"{attempt}.termination-log");

    public static string HostDirectory(string podsRoot, string podUid) => Path.Combine(podsRoot, podUid, "containers");

    /// <summary>Creates the empty host file a new container attempt binds.</summary>
    public static string Prepare(string podsRoot, string podUid, string containerName, int attempt)
    {
        var file = HostFile(podsRoot, podUid, containerName, attempt);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using (File.Create(file))
        {
        }

        // Containers running as another user must be able to write their message.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        }

        return file;
    }

    public static async Task<string> ReadAsync(IDockerClient docker, ObservedContainer container, Container spec, string podsRoot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(docker);
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(spec);
        var file = HostFile(podsRoot, container.Name.PodUid, container.Name.ContainerName, container.Name.Attempt);
        if (File.Exists(file))
        {
            var bytes = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
            if (bytes.Length > 0)
            {
                return Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, MaxFileBytes));
            }
        }

        if (spec.TerminationMessagePolicy != "FallbackToLogsOnError" || container.ExitCode == 0)
        {
            return "";
        }

        try
        {
            var logs = await docker.LogsAsync(container.Id, new LogsOptions { Stdout = true, Stderr = true, Tail = LogLines }, cancellationToken).ConfigureAwait(false);
            await using (logs.ConfigureAwait(false))
            {
                var text = await ReadLogTextAsync(logs, container.Tty, cancellationToken).ConfigureAwait(false);
                return text.Length > MaxLogBytes ? text[^MaxLogBytes..] : text;
            }
        }
        catch (DockerException)
        {
            return "";
        }
    }

    private static async Task<string> ReadLogTextAsync(Stream logs, bool tty, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        if (tty)
        {
            await logs.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await new MultiplexedStream(logs).CopyOutputToAsync(buffer, buffer, cancellationToken).ConfigureAwait(false);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
