using System.Text;
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
    /// The given chains and their rules (one <c>iptables -S CHAIN</c> each), as a snapshot; chains that do not exist are
    /// left out. On iptables-nft this costs milliseconds where iptables-save or <c>-C</c> read the whole ruleset
    /// (~0.4–0.8 s with 30,000 chains).
    /// </summary>
    public async Task<IptablesSnapshot> ListAsync(IEnumerable<ChainKey> chains, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chains);
        var saved = new StringBuilder();
        foreach (var table in chains.GroupBy(c => c.Table))
        {
            saved.Append('*').Append(table.Key).Append('\n');
            foreach (var chain in table)
            {
                var result = await RunAsync(options.IptablesPath, ["-w", "5", "-t", chain.Table, "-S", chain.Name], null, cancellationToken).ConfigureAwait(false);
                if (result.ExitCode != 0)
                {
                    continue; // no such chain
                }

                saved.Append(':').Append(chain.Name).Append(" - [0:0]\n");
                foreach (var rule in result.Output.Split('\n').Where(l => l.StartsWith("-A ", StringComparison.Ordinal)))
                {
                    saved.Append(rule).Append('\n');
                }
            }
        }

        return IptablesSnapshot.Parse(saved.ToString());
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

    private static void Check((int ExitCode, string Output, string Error) result, string what)
    {
        if (result.ExitCode != 0)
        {
            throw new IptablesException($"{what} exited with {result.ExitCode}: {result.Error}");
        }
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string tool, IReadOnlyList<string> arguments, string? input, CancellationToken cancellationToken)
    {
        try
        {
            // An interrupted iptables-restore (cancelled: the tool is killed) changes nothing: each table is committed as a whole or not at all.
            return await HostCommand.RunAsync(tool, arguments, cancellationToken, options.CommandPrefix, input).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new IptablesException(e.Message, e);
        }
    }

    [GeneratedRegex(@"v(\d+)\.(\d+)\.(\d+)")]
    private static partial Regex VersionPattern();
}
