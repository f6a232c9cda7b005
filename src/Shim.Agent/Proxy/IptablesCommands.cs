using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Shim.Agent.Proxy;

/// <summary>Runs iptables-save, iptables-restore and iptables --version, each behind the configured command prefix.</summary>
public sealed partial class IptablesCommands(ProxierOptions options)
{
    /// <summary>Everything iptables holds now (all tables, one iptables-save run).</summary>
    public async Task<IptablesSnapshot> SaveAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(options.IptablesSavePath, [], null, cancellationToken).ConfigureAwait(false);
        Check(result, "iptables-save");
        return IptablesSnapshot.Parse(result.Output);
    }

    /// <summary>
    /// Applies <paramref name="input"/> in one iptables-restore transaction per table. --noflush leaves every chain the
    /// input does not mention alone; a ":CHAIN - [0:0]" line creates or flushes that one chain.
    /// </summary>
    public async Task RestoreAsync(string input, CancellationToken cancellationToken)
    {
        var result = await RunAsync(options.IptablesRestorePath, ["-w", "5", "--noflush"], input, cancellationToken).ConfigureAwait(false);
        Check(result, "iptables-restore");
    }

    /// <summary>True when iptables supports MASQUERADE --random-fully (1.6.2 and later).</summary>
    public async Task<bool> SupportsRandomFullyAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(options.IptablesPath, ["--version"], null, cancellationToken).ConfigureAwait(false);
        var match = VersionPattern().Match(result.Output);
        return match.Success && new Version(int.Parse(match.Groups[1].Value, null), int.Parse(match.Groups[2].Value, null), int.Parse(match.Groups[3].Value, null)) >= new Version(1, 6, 2);
    }

    private static void Check(CommandResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new IptablesException($"{what} exited with {result.ExitCode}: {result.Error}");
        }
    }

    private async Task<CommandResult> RunAsync(string tool, IReadOnlyList<string> arguments, string? input, CancellationToken cancellationToken)
    {
        var prefix = options.CommandPrefix;
        var start = new ProcessStartInfo(prefix.Count == 0 ? tool : prefix[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var argument in prefix.Count == 0 ? arguments : [.. prefix.Skip(1), tool, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new IptablesException($"{tool} did not start");
        }
        catch (Win32Exception e)
        {
            throw new IptablesException($"{tool} could not be started: {e.Message}", e);
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
                return new CommandResult(process.ExitCode, (await output.ConfigureAwait(false)).Trim(), (await error.ConfigureAwait(false)).Trim());
            }
            catch (OperationCanceledException)
            {
                // An interrupted iptables-restore changes nothing: each table is committed as a whole or not at all.
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

    [GeneratedRegex(@"v(\d+)\.(\d+)\.(\d+)")]
    private static partial Regex VersionPattern();
}
