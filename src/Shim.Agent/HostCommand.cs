using System.ComponentModel;
using System.Diagnostics;

namespace Shim.Agent;

/// <summary>Runs a host tool (mount, stat, ip, iptables-restore…) and collects its output.</summary>
internal static class HostCommand
{
    /// <summary>
    /// The exit code and trimmed stdout/stderr. <paramref name="prefix"/> goes before the command (e.g.
    /// <c>nsenter --net=…</c> in tests that work in their own network namespace); <paramref name="input"/>, if any, is
    /// written to stdin. Throws <see cref="IOException"/> when the tool cannot start; cancelling kills it.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string command, IEnumerable<string> arguments, CancellationToken cancellationToken, IReadOnlyList<string>? prefix = null, string? input = null)
    {
        prefix ??= [];
        var start = new ProcessStartInfo(prefix.Count == 0 ? command : prefix[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var argument in prefix.Count == 0 ? arguments : [.. prefix.Skip(1), command, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new IOException($"{command} did not start");
        }
        catch (Win32Exception e)
        {
            throw new IOException($"{command} could not be started: {e.Message}", e);
        }

        using (process)
        {
            try
            {
                var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var error = process.StandardError.ReadToEndAsync(cancellationToken);
                if (input is not null)
                {
                    await WriteInputAsync(process, input, cancellationToken).ConfigureAwait(false);
                }

                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                return (process.ExitCode, (await output.ConfigureAwait(false)).Trim(), (await error.ConfigureAwait(false)).Trim());
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw;
            }
        }
    }

    private static async Task WriteInputAsync(Process process, string input, CancellationToken cancellationToken)
    {
        try
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The tool stopped reading (it rejected a line and exited): its exit code and stderr say why.
        }
    }
}
