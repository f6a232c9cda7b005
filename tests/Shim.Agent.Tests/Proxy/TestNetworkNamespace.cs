using System.Diagnostics;

namespace Shim.Agent.Tests.Proxy;

/// <summary>A network namespace of the test's own (<c>ip netns add shimt-…</c>), deleted on dispose with everything in it.</summary>
internal sealed class TestNetworkNamespace : IAsyncDisposable
{
    private TestNetworkNamespace(string name) => Name = name;

    public string Name { get; }

    /// <summary>What runs a command inside the namespace.</summary>
    public IReadOnlyList<string> Prefix => ["nsenter", $"--net=/run/netns/{Name}"];

    public static async Task<TestNetworkNamespace> CreateAsync(string purpose)
    {
        var netns = new TestNetworkNamespace($"shimt-{purpose}-{Guid.NewGuid().ToString("N")[..6]}");
        await HostAsync("ip", "netns", "add", netns.Name);
        // Loopback is down in a new namespace.
        await netns.RunAsync("ip", "link", "set", "lo", "up");
        return netns;
    }

    /// <summary>Runs a command in the namespace; fails the test unless it exits with 0.</summary>
    public Task<string> RunAsync(params string[] command) => HostAsync([.. Prefix, .. command]);

    /// <summary>Runs a command in the namespace and returns its exit code and output, whatever they are.</summary>
    public Task<(int ExitCode, string Output)> TryAsync(TimeSpan timeout, params string[] command) => TryRunAsync(timeout, [.. Prefix, .. command]);

    /// <summary>The rules of one table as iptables-save prints them, without comments and counters.</summary>
    public async Task<List<string>> SaveAsync(string table) =>
        [.. (await RunAsync("iptables-save", "-t", table)).Split('\n').Where(l => l.StartsWith(':') || l.StartsWith("-A", StringComparison.Ordinal)).Select(l => l.StartsWith(':') ? l[..l.IndexOf(' ', StringComparison.Ordinal)] : l)];

    public async ValueTask DisposeAsync() => await HostAsync("ip", "netns", "del", Name);

    /// <summary>Runs a command in the test process's own namespace; fails the test unless it exits with 0.</summary>
    public static async Task<string> HostAsync(params string[] command)
    {
        var (code, output) = await TryRunAsync(TimeSpan.FromSeconds(60), command);
        Assert.True(code == 0, $"{string.Join(' ', command)} exited with {code}: {output}");
        return output;
    }

    private static async Task<(int ExitCode, string Output)> TryRunAsync(TimeSpan timeout, string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        // Commands that read stdin (nc) see its end at once.
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, $"timed out after {timeout}: {await output}{await error}");
        }

        return (process.ExitCode, await output + await error);
    }
}
