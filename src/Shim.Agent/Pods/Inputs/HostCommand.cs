using System.Diagnostics;

namespace Shim.Agent.Pods.Inputs;

/// <summary>Runs a host tool (mount, umount, stat) and collects its output.</summary>
internal static class HostCommand
{
    /// <summary>The exit code and trimmed stdout/stderr; throws <see cref="IOException"/> when the tool cannot start.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string command, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new IOException($"{command} did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, (await output.ConfigureAwait(false)).Trim(), (await error.ConfigureAwait(false)).Trim());
    }
}
