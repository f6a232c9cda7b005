using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Shim.Agent.Proxy;
using Shim.ProxyBench;

// The service proxy against the tool it drives: for each size, our full sync (render, iptables-save, one
// iptables-restore with the chains and jump rules) into a fresh network namespace against a bare
// `iptables-restore --noflush` of the same restore input into another fresh one; and, at one size, the partial sync after one endpoint of one service changes.
// Usage: shim-proxybench [--sizes 1000,5000,10000] [--runs 3] [--incremental-size 5000] [--incremental-runs 10]
//                        [--netns-prefix shimt-bench-PID] (needs root: it creates and deletes network namespaces)
//        shim-proxybench latency --kubeconfig FILE [--samples 20] [--image shim/web:1]   (see ProgrammingLatency)
if (args.Length > 0 && args[0] == "latency")
{
    string? kubeconfig = null;
    var samples = 20;
    var image = "shim/web:1";
    for (var i = 1; i + 1 < args.Length; i += 2)
    {
        switch (args[i])
        {
            case "--kubeconfig": kubeconfig = args[i + 1]; break;
            case "--samples": samples = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            case "--image": image = args[i + 1]; break;
            default: throw new ArgumentException($"unknown option {args[i]}");
        }
    }

    await ProgrammingLatency.RunAsync(kubeconfig ?? throw new ArgumentException("--kubeconfig is required"), samples, image);
    return;
}

var netnsPrefix = $"shimt-bench-{Environment.ProcessId}";
var sizes = new[] { 1000, 5000, 10000 };
var runs = 3;
var incrementalSize = 5000;
var incrementalRuns = 10;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var value = args[i + 1];
    switch (args[i])
    {
        case "--sizes": sizes = [.. value.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
        case "--runs": runs = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--incremental-size": incrementalSize = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--incremental-runs": incrementalRuns = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--netns-prefix": netnsPrefix = value; break;
        default: throw new ArgumentException($"unknown option {args[i]}");
    }
}

Console.WriteLine($"iptables: {Version()}; {Environment.ProcessorCount} cores; {runs} runs per size, medians");
Console.WriteLine();
Console.WriteLine("services  endpoints   rules  input MB | full sync ms  (render ms) | raw restore ms | ratio");
Console.WriteLine("--------  ---------  ------  -------- | ------------  ----------- | -------------- | -----");
var incremental = new List<ProxySyncResult>();
foreach (var size in sizes)
{
    var catalog = new BenchCatalog(size);
    var options = new ProxierOptions { NodeName = "bench", ClusterCidr = "10.244.0.0/16", PodCidr = "10.244.1.0/24" };
    var rules = ProxyRuleRenderer.Render(catalog.Services(), catalog.EndpointSlices(), options, masqueradeRandomFully: true);
    // What a full sync writes into an empty namespace: every chain and every jump rule.
    var input = RestorePlan.Create(rules, null, IptablesSnapshot.Parse("")).Input;
    List<TimeSpan> full = [];
    List<TimeSpan> render = [];
    List<TimeSpan> raw = [];
    for (var run = 0; run < runs; run++)
    {
        // Alternating the two keeps slow drifts of the machine out of the ratio.
        using (var netns = BenchNamespace.Create(netnsPrefix))
        {
            var proxier = new ServiceProxier(options with { CommandPrefix = netns.Prefix }, catalog, NullLogger<ServiceProxier>.Instance, TimeProvider.System);
            var clock = Stopwatch.StartNew();
            var result = await proxier.SyncAsync(CancellationToken.None);
            full.Add(clock.Elapsed);
            render.Add(result.RenderDuration);
            if (size == incrementalSize && run == 0)
            {
                for (var change = 0; change < incrementalRuns; change++)
                {
                    catalog.ReplaceEndpoint((change * 7919) % size);
                    var partial = await proxier.SyncAsync(CancellationToken.None);
                    if (partial.Full || partial.Written.Count != 2 || partial.Deleted.Count != 1)
                    {
                        throw new InvalidOperationException($"expected a partial sync of 2 chains written and 1 deleted, got {partial}");
                    }

                    incremental.Add(partial);
                }
            }
        }

        using (var netns = BenchNamespace.Create(netnsPrefix))
        {
            raw.Add(netns.Restore(input));
        }
    }

    var fullMs = Median(full);
    var rawMs = Median(raw);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{size,8}  {rules.Endpoints,9}  {rules.Rules,6}  {input.Length / 1e6,8:F1} | {fullMs,12:F0}  {Median(render),11:F0} | {rawMs,14:F0} | {fullMs / rawMs,5:F2}"));
}

if (incremental.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"one endpoint replaced at {incrementalSize} services ({incremental.Count} partial syncs, 2 chains written + 1 deleted each): " +
        $"median {Median([.. incremental.Select(r => r.Duration)]):F1} ms (render+diff {Median([.. incremental.Select(r => r.RenderDuration)]):F1} ms, restore {Median([.. incremental.Select(r => r.RestoreDuration)]):F1} ms), " +
        $"max {incremental.Max(r => r.Duration.TotalMilliseconds):F1} ms"));
}

static double Median(List<TimeSpan> values)
{
    var sorted = values.Select(v => v.TotalMilliseconds).Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Version()
{
    using var process = Process.Start(new ProcessStartInfo("iptables", "--version") { RedirectStandardOutput = true })!;
    var version = process.StandardOutput.ReadToEnd().Trim();
    process.WaitForExit();
    return version;
}
