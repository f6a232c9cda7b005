using System.CommandLine;
using System.Text.Json;
using Shim.Bench;

var root = new RootCommand("shim-bench: load generator for a running shim server (create/get/list/watch throughput and latency, server memory)")
{
    RunCommand(),
    ReportCommand(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

static Command RunCommand()
{
    var defaults = new BenchSettings { Kubeconfig = "" };
    var kubeconfig = new Option<string>("--kubeconfig") { Description = "Admin kubeconfig of the server (DATA_DIR/kubeconfig.yaml)", Required = true };
    var tokenFile = new Option<string?>("--token-file") { Description = "Authenticate with the first bearer token of this tokens.csv instead of the client certificate (diagnostic)" };
    var serverPid = new Option<int?>("--server-pid") { Description = "PID of the shim server, for RSS and CPU (/proc)" };
    var storePid = new Option<int?>("--store-pid") { Description = "PID of redis-server, for its RSS and CPU" };
    var label = new Option<string>("--label") { Description = "Name of this run in reports", DefaultValueFactory = _ => defaults.Label };
    var concurrency = new Option<int>("--concurrency", "-c") { Description = "Concurrent workers (and connections)", DefaultValueFactory = _ => defaults.Concurrency };
    var http2 = new Option<bool>("--http2") { Description = "Use HTTP/2 instead of HTTP/1.1" };
    var warmup = new Option<int>("--warmup") { Description = "Unmeasured requests before CREATE and GET", DefaultValueFactory = _ => defaults.Warmup };
    var warmupSeconds = new Option<double>("--warmup-seconds") { Description = "Unmeasured mixed traffic (dry-run creates, GETs, LISTs) before the first phase, so the server is JIT-warm", DefaultValueFactory = _ => defaults.WarmupTime.TotalSeconds };
    var creates = new Option<long>("--creates") { Description = "CREATE: at most this many configmaps", DefaultValueFactory = _ => defaults.Creates };
    var createSeconds = new Option<double>("--create-seconds") { Description = "CREATE: time limit", DefaultValueFactory = _ => defaults.CreateTime.TotalSeconds };
    var gets = new Option<long>("--gets") { Description = "GET: at most this many requests", DefaultValueFactory = _ => defaults.Gets };
    var getSeconds = new Option<double>("--get-seconds") { Description = "GET: time limit", DefaultValueFactory = _ => defaults.GetTime.TotalSeconds };
    var listPods = new Option<int>("--list-pods") { Description = "LIST: pods in the listed namespace", DefaultValueFactory = _ => defaults.ListPods };
    var listMatching = new Option<int>("--list-matching") { Description = "LIST: pods the label selector matches", DefaultValueFactory = _ => defaults.ListMatching };
    var lists = new Option<int>("--lists") { Description = "LIST: sequential requests timed", DefaultValueFactory = _ => defaults.Lists };
    var listSeconds = new Option<double>("--list-seconds") { Description = "LIST: time limit", DefaultValueFactory = _ => defaults.ListTime.TotalSeconds };
    var watchers = new Option<int>("--watchers") { Description = "WATCH: concurrent watches", DefaultValueFactory = _ => defaults.Watchers };
    var watchWrites = new Option<int>("--watch-writes") { Description = "WATCH: writes whose events are timed", DefaultValueFactory = _ => defaults.WatchWrites };
    var watchInterval = new Option<int>("--watch-interval-ms") { Description = "WATCH: pause before each write", DefaultValueFactory = _ => (int)defaults.WatchInterval.TotalMilliseconds };
    var watchSeconds = new Option<double>("--watch-seconds") { Description = "WATCH: time limit", DefaultValueFactory = _ => defaults.WatchTime.TotalSeconds };
    var memory = new Option<long[]>("--memory-objects") { Description = "Object counts at which to read server RSS", DefaultValueFactory = _ => [.. defaults.MemoryPoints], AllowMultipleArgumentsPerToken = true };
    var loadSeconds = new Option<double>("--load-seconds") { Description = "Time limit of each bulk load (LIST setup, memory top-up)", DefaultValueFactory = _ => defaults.LoadTime.TotalSeconds };
    var phases = new Option<string[]>("--phases") { Description = "Subset of create,get,list,watch,memory (get also runs create: it reads an object create made)", DefaultValueFactory = _ => [.. BenchSettings.AllPhases], AllowMultipleArgumentsPerToken = true };
    var json = new Option<string?>("--json") { Description = "Write the results as JSON to this file (for 'report')" };
    var command = new Command("run", "Run the benchmark phases against a running server")
    {
        kubeconfig, tokenFile, serverPid, storePid, label, concurrency, http2, warmup, warmupSeconds, creates, createSeconds, gets, getSeconds, listPods, listMatching, lists,
        listSeconds, watchers, watchWrites, watchInterval, watchSeconds, memory, loadSeconds, phases, json,
    };
    command.SetAction(async (r, ct) =>
    {
        var selected = (r.GetValue(phases) ?? []).SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
        var unknown = selected.Except(BenchSettings.AllPhases).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"unknown phase(s): {string.Join(", ", unknown)}");
            return 2;
        }

        var settings = new BenchSettings
        {
            Kubeconfig = r.GetRequiredValue(kubeconfig),
            TokenFile = r.GetValue(tokenFile),
            ServerPid = r.GetValue(serverPid),
            StorePid = r.GetValue(storePid),
            Label = r.GetValue(label) ?? "shim",
            Concurrency = r.GetValue(concurrency),
            Http2 = r.GetValue(http2),
            Warmup = r.GetValue(warmup),
            WarmupTime = TimeSpan.FromSeconds(r.GetValue(warmupSeconds)),
            Creates = r.GetValue(creates),
            CreateTime = TimeSpan.FromSeconds(r.GetValue(createSeconds)),
            Gets = r.GetValue(gets),
            GetTime = TimeSpan.FromSeconds(r.GetValue(getSeconds)),
            ListPods = r.GetValue(listPods),
            ListMatching = r.GetValue(listMatching),
            Lists = r.GetValue(lists),
            ListTime = TimeSpan.FromSeconds(r.GetValue(listSeconds)),
            Watchers = r.GetValue(watchers),
            WatchWrites = r.GetValue(watchWrites),
            WatchInterval = TimeSpan.FromMilliseconds(r.GetValue(watchInterval)),
            WatchTime = TimeSpan.FromSeconds(r.GetValue(watchSeconds)),
            MemoryPoints = r.GetValue(memory) ?? [],
            LoadTime = TimeSpan.FromSeconds(r.GetValue(loadSeconds)),
            Phases = selected,
        };

        using var bench = new Benchmark(settings);
        var result = await bench.RunAsync(ct).ConfigureAwait(false);
        if (r.GetValue(json) is { } path)
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, Report.JsonOptions), ct).ConfigureAwait(false);
        }

        Console.WriteLine(Report.Render(null, [result]));
        return 0;
    });
    return command;
}

static Command ReportCommand()
{
    var redis = new Option<string?>("--redis-benchmark") { Description = "File holding the output of redis-benchmark -q -t set,get" };
    var results = new Option<string[]>("--result") { Description = "JSON result of a 'run' (repeatable; shown side by side)", Required = true, AllowMultipleArgumentsPerToken = true };
    var command = new Command("report", "Print runs side by side with redis-benchmark and the targets (Markdown)") { redis, results };
    command.SetAction(async (r, ct) =>
    {
        RedisReference? reference = null;
        if (r.GetValue(redis) is { } file)
        {
            reference = RedisReference.Parse(await File.ReadAllTextAsync(file, ct).ConfigureAwait(false));
        }

        var runs = new List<BenchResult>();
        foreach (var path in r.GetValue(results) ?? [])
        {
            runs.Add(JsonSerializer.Deserialize<BenchResult>(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false), Report.JsonOptions)
                ?? throw new InvalidDataException($"{path}: empty result"));
        }

        Console.WriteLine(Report.Render(reference, runs));
        return 0;
    });
    return command;
}
