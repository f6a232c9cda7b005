using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Shim.Bench;

/// <summary>
/// One benchmark run against a live shim server. Phases, in order: warm-up (dry-run traffic, nothing stored),
/// LIST setup (10k pods; the first memory point), LIST timing, CREATE, GET (of an object CREATE made), WATCH
/// fan-out, the remaining memory points (topping up with pods), and the LIST again with every pod loaded.
/// Each phase is bounded by count and time and stops by itself.
/// </summary>
public sealed class Benchmark : IDisposable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly BenchSettings _s;
    private readonly Kubeconfig _config;
    private readonly HttpClient _http;
    private readonly string? _token;
    private readonly byte[][] _buffers;
    private readonly string _run = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next()))[..6];
    private readonly BenchResult _result;
    private long _objects;
    private long _pods;
    private long _configMaps;

    public Benchmark(BenchSettings settings)
    {
        _s = settings;
        _config = Kubeconfig.Load(settings.Kubeconfig);
        _token = settings.TokenFile is { } tokens ? Kubeconfig.ReadToken(tokens) : null;
        _http = _config.CreateClient(settings.Concurrency, settings.Http2, TimeSpan.FromSeconds(60), _token);
        _buffers = Enumerable.Range(0, settings.Concurrency).Select(_ => new byte[64 * 1024]).ToArray();
        _result = new BenchResult
        {
            Label = settings.Label,
            Server = _config.Server.ToString(),
            StartedUtc = DateTime.UtcNow.ToString("u", Inv),
            Http = settings.Http2 ? "HTTP/2" : "HTTP/1.1",
            Auth = settings.TokenFile is null ? "client certificate" : "bearer token",
            Concurrency = settings.Concurrency,
            Cores = Environment.ProcessorCount,
        };
    }

    private string Ns(string role) => $"bench-{_run}-{role}";

    public async Task<BenchResult> RunAsync(CancellationToken ct)
    {
        Log($"server {_config.Server}, run {_run}, {_result.Http}, {_result.Auth}, {_s.Concurrency} workers, label '{_s.Label}'");
        await WaitReadyAsync(ct).ConfigureAwait(false);
        // "bulk" (the memory top-up pods) sorts before "list", as other namespaces would in a real cluster.
        foreach (var role in new[] { "list", "cm", "watch", "bulk" })
        {
            await CreateNamespaceAsync(Ns(role), ct).ConfigureAwait(false);
        }

        RecordMemory("idle (namespaces only)");
        await WarmUpAsync(ct).ConfigureAwait(false);
        var phases = _s.Phases;
        var memoryPoints = phases.Contains("memory") ? new Queue<long>(_s.MemoryPoints.Order()) : new Queue<long>();

        if (phases.Contains("list") || memoryPoints.Count > 0)
        {
            await LoadListPodsAsync(ct).ConfigureAwait(false);
            // The first memory point (10k) is the LIST namespace itself, before anything else was created.
            if (memoryPoints.Count > 0)
            {
                await MemoryPointAsync(memoryPoints.Dequeue(), ct).ConfigureAwait(false);
            }
        }

        if (phases.Contains("list"))
        {
            _result.List = await ListPhaseAsync(_s.Lists, full: true, ct).ConfigureAwait(false);
        }

        if (phases.Contains("create") || phases.Contains("get"))
        {
            await CreatePhaseAsync(ct).ConfigureAwait(false);
        }

        if (phases.Contains("get"))
        {
            await GetPhaseAsync(ct).ConfigureAwait(false);
        }

        if (phases.Contains("watch"))
        {
            await WatchPhaseAsync(ct).ConfigureAwait(false);
        }

        var topUp = false;
        while (memoryPoints.Count > 0)
        {
            await MemoryPointAsync(memoryPoints.Dequeue(), ct).ConfigureAwait(false);
            topUp = true;
        }

        if (phases.Contains("list") && topUp)
        {
            // The same LIST once the store holds every object: other namespaces' pods now precede the listed one.
            Log($"LIST again with {Interlocked.Read(ref _pods)} pods in the cluster ({_s.ListPods} in the listed namespace)");
            _result.ListAtEnd = await ListPhaseAsync(Math.Max(1, _s.Lists / 2), full: false, ct).ConfigureAwait(false);
        }

        return _result;
    }

    // ---- setup ------------------------------------------------------------------------------------------------

    private async Task WaitReadyAsync(CancellationToken ct)
    {
        var until = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        while (true)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri("/readyz", UriKind.Relative), ct).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (Stopwatch.GetTimestamp() < until)
            {
            }

            if (Stopwatch.GetTimestamp() >= until)
            {
                throw new TimeoutException($"{_config.Server} not ready after 60 s");
            }

            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }

    private async Task CreateNamespaceAsync(string name, CancellationToken ct)
    {
        using var request = Requests.Send(HttpMethod.Post, "/api/v1/namespaces", Payloads.Namespace(name), Requests.Json);
        using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
        {
            throw new InvalidOperationException($"creating namespace {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
        }
    }

    /// <summary>
    /// Mixed traffic that stores nothing (dry-run creates, GETs, LISTs of an empty namespace), so the server's code
    /// is JIT-compiled to its optimised tier before anything is measured: on two busy cores a fresh server needs
    /// several seconds of load before it reaches its steady-state throughput.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken ct)
    {
        if (_s.WarmupTime <= TimeSpan.Zero)
        {
            return;
        }

        Log($"WARM-UP: {_s.WarmupTime.TotalSeconds:0} s of dry-run creates, GETs and LISTs (nothing stored)");
        var podPath = $"/api/v1/namespaces/{Ns("watch")}/pods?dryRun=All";
        var cmPath = $"/api/v1/namespaces/{Ns("watch")}/configmaps?dryRun=All";
        var nsPath = $"/api/v1/namespaces/{Ns("watch")}";
        var listPath = $"/api/v1/namespaces/{Ns("watch")}/pods?labelSelector=needle%3Dyes";
        var result = await LoadGenerator.RunAsync(_s.Concurrency, 10_000_000, _s.WarmupTime, (w, i, c) => (i % 4) switch
        {
            0 => SendAsync(w, HttpMethod.Post, podPath, Payloads.Pod($"warm-{i:D7}", false), HttpStatusCode.Created, c),
            1 => SendAsync(w, HttpMethod.Post, cmPath, Payloads.ConfigMap($"warm-{i:D7}"), HttpStatusCode.Created, c),
            2 => GetAsync(w, nsPath, c),
            _ => GetAsync(w, listPath, c),
        }, _s.ServerPid, _s.StorePid, ct).ConfigureAwait(false);
        Log($"  {Describe(result)}");
    }

    /// <summary>POSTs a body and returns null on the expected status, else a short error.</summary>
    private async Task<string?> SendAsync(int worker, HttpMethod method, string path, byte[] body, HttpStatusCode expected, CancellationToken ct)
    {
        using var request = Requests.Send(method, path, body, Requests.Json);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        await Requests.DrainAsync(response, _buffers[worker], ct).ConfigureAwait(false);
        return response.StatusCode == expected ? null : $"{method} {path}: {(int)response.StatusCode}";
    }

    private async Task<string?> GetAsync(int worker, string path, CancellationToken ct)
    {
        using var request = Requests.Get(path);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        await Requests.DrainAsync(response, _buffers[worker], ct).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK ? null : $"GET {path}: {(int)response.StatusCode}";
    }

    /// <summary>Creates pods named web-5d4f8c7b9-NNNNNN in a namespace, <paramref name="needles"/> of them labelled needle=yes.</summary>
    private Task<LoadResult> CreatePodsAsync(string ns, string prefix, long start, long count, ISet<long>? needles, CancellationToken ct)
    {
        var path = $"/api/v1/namespaces/{ns}/pods";
        return LoadGenerator.RunAsync(_s.Concurrency, count, _s.LoadTime, async (w, i, c) =>
        {
            var index = start + i;
            var error = await SendAsync(w, HttpMethod.Post, path, Payloads.Pod($"{prefix}-{index:D6}", needles?.Contains(index) == true), HttpStatusCode.Created, c).ConfigureAwait(false);
            if (error is null)
            {
                Interlocked.Increment(ref _objects);
                Interlocked.Increment(ref _pods);
            }

            return error;
        }, _s.ServerPid, _s.StorePid, ct);
    }

    // ---- LIST -------------------------------------------------------------------------------------------------

    private HashSet<long> Needles()
    {
        var step = Math.Max(1, _s.ListPods / Math.Max(1, _s.ListMatching));
        return Enumerable.Range(0, _s.ListMatching).Select(k => (long)k * step + step / 2).Where(i => i < _s.ListPods).ToHashSet();
    }

    private async Task LoadListPodsAsync(CancellationToken ct)
    {
        Log($"LIST setup: creating {_s.ListPods} pods in {Ns("list")} ({_s.ListMatching} labelled needle=yes)");
        var load = await CreatePodsAsync(Ns("list"), "web-5d4f8c7b9", 0, _s.ListPods, Needles(), ct).ConfigureAwait(false);
        _result.PodLoad = load;
        Log($"  pods: {Describe(load)}");
        if (load.Completed < _s.ListPods)
        {
            _result.Notes.Add($"LIST setup created only {load.Completed} of {_s.ListPods} pods ({load.Errors} errors, first: {load.FirstError})");
        }
    }

    private async Task<ListResult> ListPhaseAsync(int lists, bool full, CancellationToken ct)
    {
        var selectorPath = $"/api/v1/namespaces/{Ns("list")}/pods?labelSelector=needle%3Dyes";
        var fullPath = $"/api/v1/namespaces/{Ns("list")}/pods";
        Log($"LIST: {lists} sequential GET {selectorPath}");
        var buffer = new MemoryStream();
        async Task<long> TimedList(string path)
        {
            buffer.SetLength(0);
            var t0 = Stopwatch.GetTimestamp();
            using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
            }

            var elapsed = Stopwatch.GetTimestamp() - t0;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"LIST {path}: {(int)response.StatusCode}");
            }

            return elapsed;
        }

        int CountItems()
        {
            using var doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            return doc.RootElement.GetProperty("items").GetArrayLength();
        }

        for (var i = 0; i < 5; i++)
        {
            await TimedList(selectorPath).ConfigureAwait(false);
        }

        var items = CountItems();
        var cpu = new CpuMeter(_s.ServerPid, _s.StorePid);
        var deadline = Stopwatch.GetTimestamp() + (long)(_s.ListTime.TotalSeconds * Stopwatch.Frequency);
        var samples = new List<long>(lists);
        var stoppedByTime = false;
        while (samples.Count < lists)
        {
            if (Stopwatch.GetTimestamp() >= deadline)
            {
                stoppedByTime = true;
                break;
            }

            samples.Add(await TimedList(selectorPath).ConfigureAwait(false));
        }

        var selector = Latency.FromTicks(samples.ToArray());
        var use = cpu.Stop();
        Log($"  selector: {items} items, {Describe(selector)}; CPU {use}");

        // For context: the same namespace without a selector (every pod serialized), a few times.
        var fullSamples = new List<long>();
        long fullBytes = 0;
        for (var i = 0; full && i < 10 && Stopwatch.GetTimestamp() < deadline; i++)
        {
            fullSamples.Add(await TimedList(fullPath).ConfigureAwait(false));
            fullBytes = buffer.Length;
        }

        var fullLatency = Latency.FromTicks(fullSamples.ToArray());
        if (full)
        {
            Log($"  full list ({fullBytes / 1024} KiB): {Describe(fullLatency)}");
        }

        if (items != _s.ListMatching)
        {
            _result.Notes.Add($"LIST with selector returned {items} items, expected {_s.ListMatching}");
        }

        return new ListResult(_s.ListPods, _s.ListMatching, items, selector, fullLatency, fullBytes, stoppedByTime, Interlocked.Read(ref _pods), use);
    }

    // ---- CREATE / GET -----------------------------------------------------------------------------------------

    private async Task CreatePhaseAsync(CancellationToken ct)
    {
        var path = $"/api/v1/namespaces/{Ns("cm")}/configmaps";
        Log($"CREATE: warm-up {_s.Warmup}, then up to {_s.Creates} configmaps (~1 KiB data) in {_s.CreateTime.TotalSeconds:0} s, {_s.Concurrency} workers");
        Func<string, Func<int, long, CancellationToken, Task<string?>>> create = prefix => async (w, i, c) =>
        {
            var error = await SendAsync(w, HttpMethod.Post, path, Payloads.ConfigMap($"{prefix}-{i:D6}"), HttpStatusCode.Created, c).ConfigureAwait(false);
            if (error is null)
            {
                Interlocked.Increment(ref _objects);
                Interlocked.Increment(ref _configMaps);
            }

            return error;
        };
        await LoadGenerator.RunAsync(_s.Concurrency, _s.Warmup, _s.CreateTime, create("warm"), cancellationToken: ct).ConfigureAwait(false);
        var result = await LoadGenerator.RunAsync(_s.Concurrency, _s.Creates, _s.CreateTime, create("cm"), _s.ServerPid, _s.StorePid, ct).ConfigureAwait(false);
        _result.Create = result;
        Log($"  {Describe(result)}");
    }

    private async Task GetPhaseAsync(CancellationToken ct)
    {
        var path = $"/api/v1/namespaces/{Ns("cm")}/configmaps/warm-000000";
        Log($"GET: warm-up {_s.Warmup}, then up to {_s.Gets} GET {path} in {_s.GetTime.TotalSeconds:0} s, {_s.Concurrency} workers");
        Func<int, long, CancellationToken, Task<string?>> get = (w, _, c) => GetAsync(w, path, c);
        await LoadGenerator.RunAsync(_s.Concurrency, _s.Warmup, _s.GetTime, get, cancellationToken: ct).ConfigureAwait(false);
        var result = await LoadGenerator.RunAsync(_s.Concurrency, _s.Gets, _s.GetTime, get, _s.ServerPid, _s.StorePid, ct).ConfigureAwait(false);
        _result.Get = result;
        Log($"  {Describe(result)}");
    }

    // ---- WATCH ------------------------------------------------------------------------------------------------

    private async Task WatchPhaseAsync(CancellationToken ct)
    {
        var ns = Ns("watch");
        var itemPath = $"/api/v1/namespaces/{ns}/configmaps/watched";
        using (var create = Requests.Send(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Payloads.ConfigMap("watched"), Requests.Json))
        using (var created = await _http.SendAsync(create, ct).ConfigureAwait(false))
        {
            created.EnsureSuccessStatusCode();
            Interlocked.Increment(ref _objects);
            Interlocked.Increment(ref _configMaps);
        }

        var rv = await ResourceVersionAsync(itemPath, ct).ConfigureAwait(false);
        var watchPath = $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={rv}&timeoutSeconds=3600";
        var writes = _s.WatchWrites;
        var watchers = _s.Watchers;
        Log($"WATCH: opening {watchers} watches on {ns}/configmaps from resourceVersion {rv}");

        // One connection per watch over HTTP/1.1; over HTTP/2 the handler opens connections as streams run out.
        using var watchHttp = _config.CreateClient(watchers, _s.Http2, Timeout.InfiniteTimeSpan, _token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var arrivals = new long[watchers][];
        var established = 0;
        var finished = 0;
        var allEstablished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? firstError = null;
        using var opening = new SemaphoreSlim(_s.Concurrency);
        var openStart = Stopwatch.GetTimestamp();

        async Task Watch(int w)
        {
            var mine = arrivals[w] = new long[writes];
            var received = 0;
            var released = false;
            await opening.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                using var response = await watchHttp.GetAsync(new Uri(watchPath, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, stop.Token).ConfigureAwait(false);
                opening.Release();
                released = true;
                response.EnsureSuccessStatusCode();
                if (Interlocked.Increment(ref established) == watchers)
                {
                    allEstablished.TrySetResult();
                }

                var stream = await response.Content.ReadAsStreamAsync(stop.Token).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    var buffer = new byte[16 * 1024];
                    var filled = 0;
                    while (received < writes)
                    {
                        if (filled == buffer.Length)
                        {
                            Array.Resize(ref buffer, buffer.Length * 2);
                        }

                        var read = await stream.ReadAsync(buffer.AsMemory(filled), stop.Token).ConfigureAwait(false);
                        var now = Stopwatch.GetTimestamp();
                        if (read == 0)
                        {
                            throw new EndOfStreamException($"watch {w} ended after {received} events");
                        }

                        filled += read;
                        int newline;
                        var consumed = 0;
                        while ((newline = Array.IndexOf(buffer, (byte)'\n', consumed, filled - consumed)) >= 0)
                        {
                            var seq = Sequence(buffer.AsSpan(consumed, newline - consumed));
                            consumed = newline + 1;
                            if (seq >= 0 && seq < writes && mine[seq] == 0)
                            {
                                mine[seq] = now;
                                received++;
                            }
                        }

                        Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                        filled -= consumed;
                    }
                }

                if (Interlocked.Increment(ref finished) == watchers)
                {
                    allReceived.TrySetResult();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // One failed watch is recorded; the others go on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref firstError, $"{ex.GetType().Name}: {ex.Message}", null);
                if (Interlocked.Increment(ref finished) == watchers)
                {
                    allReceived.TrySetResult();
                }
            }
            finally
            {
                if (!released)
                {
                    opening.Release();
                }
            }
        }

        var tasks = Enumerable.Range(0, watchers).Select(w => Task.Run(() => Watch(w), CancellationToken.None)).ToArray();
        var deadline = TimeSpan.FromSeconds(Math.Min(60, _s.WatchTime.TotalSeconds));
        await Task.WhenAny(allEstablished.Task, Task.Delay(deadline, ct)).ConfigureAwait(false);
        var establishSeconds = Stopwatch.GetElapsedTime(openStart).TotalSeconds;
        Log($"  {Volatile.Read(ref established)} of {watchers} watches established in {establishSeconds:0.0} s");
        // Let the connections go quiet before measuring.
        await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);

        Log($"  {writes} writes (merge patch of {itemPath}), {_s.WatchInterval.TotalMilliseconds:0} ms apart");
        var acks = new long[writes];
        var writeTicks = new List<long>(writes);
        var cpu = new CpuMeter(_s.ServerPid, _s.StorePid);
        for (var i = 0; i < writes; i++)
        {
            await Task.Delay(_s.WatchInterval, ct).ConfigureAwait(false);
            using var patch = Requests.Send(HttpMethod.Patch, itemPath, Payloads.SequencePatch(i), Requests.MergePatch);
            var t0 = Stopwatch.GetTimestamp();
            using var response = await _http.SendAsync(patch, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            acks[i] = Stopwatch.GetTimestamp();
            writeTicks.Add(acks[i] - t0);
            await Requests.DrainAsync(response, _buffers[0], ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"PATCH {itemPath}: {(int)response.StatusCode}");
            }
        }

        var remaining = _s.WatchTime - TimeSpan.FromSeconds(establishSeconds);
        await Task.WhenAny(allReceived.Task, Task.Delay(remaining > TimeSpan.FromSeconds(10) ? remaining : TimeSpan.FromSeconds(10), ct)).ConfigureAwait(false);
        var use = cpu.Stop();
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(tasks).ConfigureAwait(false);

        var delivery = new List<long>(watchers * writes);
        var lastWatcher = new long[writes];
        long beforeAck = 0;
        foreach (var mine in arrivals)
        {
            for (var i = 0; i < writes; i++)
            {
                if (mine is null || mine[i] == 0)
                {
                    continue;
                }

                var d = mine[i] - acks[i];
                if (d < 0)
                {
                    beforeAck++;
                    d = 0;
                }

                delivery.Add(d);
                lastWatcher[i] = Math.Max(lastWatcher[i], d);
            }
        }

        var result = new WatchResult(watchers, established, establishSeconds, writes, (long)established * writes, delivery.Count, beforeAck,
            Latency.FromTicks(delivery.ToArray()), Latency.FromTicks(lastWatcher), Latency.FromTicks(writeTicks.ToArray()), firstError, use);
        _result.Watch = result;
        Log($"  delivered {result.Received} of {result.Expected} events ({beforeAck} before the write's response); delivery {Describe(result.Delivery)}; CPU {use}");
        if (firstError is not null)
        {
            _result.Notes.Add($"WATCH error: {firstError}");
        }
    }

    private async Task<string> ResourceVersionAsync(string path, CancellationToken ct)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), ct).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false));
        return doc.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString()!;
    }

    /// <summary>The data.seq of a watch event line, or -1.</summary>
    private static int Sequence(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            return -1;
        }

        var reader = new Utf8JsonReader(line);
        var depth = 0;
        var inData = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    depth++;
                    break;
                case JsonTokenType.EndObject:
                    depth--;
                    inData = false;
                    break;
                case JsonTokenType.PropertyName when depth == 2 && reader.ValueTextEquals("data"u8):
                    inData = true;
                    break;
                case JsonTokenType.PropertyName when inData && depth == 3 && reader.ValueTextEquals("seq"u8):
                    reader.Read();
                    return int.Parse(reader.GetString()!, Inv);
                case JsonTokenType.PropertyName:
                    break;
                default:
                    break;
            }
        }

        return -1;
    }

    // ---- memory -----------------------------------------------------------------------------------------------

    private async Task MemoryPointAsync(long target, CancellationToken ct)
    {
        var missing = target - Interlocked.Read(ref _objects);
        if (missing > 0)
        {
            Log($"MEMORY: creating {missing} pods in {Ns("bulk")} to reach {target} objects");
            var load = await CreatePodsAsync(Ns("bulk"), "api-7c9f6d5b8", _pods, missing, null, ct).ConfigureAwait(false);
            Log($"  pods: {Describe(load)}");
            if (load.Completed < missing)
            {
                _result.Notes.Add($"memory point {target}: only {Interlocked.Read(ref _objects)} objects reached ({load.Errors} errors, stopped by time: {load.StoppedByTime}, first error: {load.FirstError})");
            }
        }

        await Task.Delay(_s.Settle, ct).ConfigureAwait(false);
        RecordMemory($"{target / 1000}k objects");
    }

    private void RecordMemory(string label)
    {
        var server = _s.ServerPid is { } p ? ProcStats.Memory(p) : null;
        var store = _s.StorePid is { } r ? ProcStats.Memory(r) : null;
        var point = new MemoryPoint(label, Interlocked.Read(ref _objects), server?.RssKiB, server?.PeakKiB, store?.RssKiB,
            $"{_pods} pods, {_configMaps} configmaps");
        _result.Memory.Add(point);
        Log($"MEMORY {label}: {point.Objects} objects ({point.Composition}); server RSS {Mib(point.ServerRssKiB)} (peak {Mib(point.ServerPeakKiB)}), store RSS {Mib(point.StoreRssKiB)}");
    }

    // ---- output -----------------------------------------------------------------------------------------------

    internal static string Mib(long? kib) => kib is { } k ? (k / 1024.0).ToString("0.0", Inv) + " MiB" : "-";

    internal static string Describe(Latency l) =>
        l.Count == 0 ? "no samples" : string.Create(Inv, $"n={l.Count} p50 {l.P50Ms:0.00} ms, p99 {l.P99Ms:0.00} ms, max {l.MaxMs:0.00} ms");

    internal static string Describe(LoadResult r) =>
        string.Create(Inv, $"{r.Completed} ok, {r.Errors} errors in {r.Seconds:0.0} s{(r.StoppedByTime ? " (time limit)" : "")}: {r.RequestsPerSecond:0} req/s, {Describe(r.Latency)}; CPU cores {r.Cpu}")
        + (r.FirstError is null ? "" : $"; first error: {r.FirstError}");

    private static void Log(string message) =>
        Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {message}");

    public void Dispose() => _http.Dispose();
}
