using System.Diagnostics;

namespace Shim.ProxyBench;

/// <summary>A network namespace of the benchmark's own, deleted (with all its rules) on dispose.</summary>
internal sealed class BenchNamespace : IDisposable
{
    private static int _created;

    private BenchNamespace(string name) => Name = name;

    public string Name { get; }

    public IReadOnlyList<string> Prefix => ["nsenter", $"--net=/run/netns/{Name}"];

    /// <param name="prefix">Names start with it, so the calling script can remove what a crashed run left.</param>
    public static BenchNamespace Create(string prefix)
    {
        var netns = new BenchNamespace($"{prefix}-{Interlocked.Increment(ref _created)}");
        Run("ip", ["netns", "add", netns.Name], null);
        return netns;
    }

    /// <summary>Runs iptables-restore --noflush on <paramref name="input"/> in the namespace: the reference time.</summary>
    public TimeSpan Restore(string input)
    {
        var clock = Stopwatch.StartNew();
        Run("nsenter", [$"--net=/run/netns/{Name}", "iptables-restore", "--noflush"], input);
        return clock.Elapsed;
    }

    public void Dispose() => Run("ip", ["netns", "del", Name], null);

    private static void Run(string command, IEnumerable<string> arguments, string? input)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardInput = input is not null, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start");
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}");
        }
    }
}
