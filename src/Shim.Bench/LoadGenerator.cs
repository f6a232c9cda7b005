using System.Diagnostics;

namespace Shim.Bench;

/// <summary>The outcome of a closed-loop load run: what completed, how fast, and how long each request took.</summary>
public sealed record LoadResult(long Completed, long Errors, double Seconds, double RequestsPerSecond, Latency Latency, bool StoppedByTime, string? FirstError, CpuUse? Cpu);

/// <summary>
/// A closed-loop load generator: <c>workers</c> concurrent loops each issue one request, wait for its response, and
/// issue the next, until <c>maxOps</c> requests were issued or <c>maxTime</c> has passed, whichever comes first.
/// </summary>
public static class LoadGenerator
{
    /// <param name="operation">Performs request number <c>index</c> (0-based) on behalf of worker <c>worker</c>; returns null on success or an error text.</param>
    public static async Task<LoadResult> RunAsync(int workers, long maxOps, TimeSpan maxTime, Func<int, long, CancellationToken, Task<string?>> operation,
        int? serverPid = null, int? storePid = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOps, 0);
        var samples = new long[maxOps];
        long next = -1, completed = 0, errors = 0;
        string? firstError = null;
        var deadline = Stopwatch.GetTimestamp() + (long)(maxTime.TotalSeconds * Stopwatch.Frequency);
        var stoppedByTime = false;
        var cpu = new CpuMeter(serverPid, storePid);
        var start = Stopwatch.GetTimestamp();

        async Task Worker(int worker)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= maxOps)
                {
                    return;
                }

                var t0 = Stopwatch.GetTimestamp();
                if (t0 >= deadline)
                {
                    Volatile.Write(ref stoppedByTime, true);
                    return;
                }

                string? error;
                try
                {
                    error = await operation(worker, index, cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A failed request is counted and reported, never fatal to the run.
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    error = $"{ex.GetType().Name}: {ex.Message}";
                }

                var t1 = Stopwatch.GetTimestamp();
                if (error is null)
                {
                    samples[Interlocked.Increment(ref completed) - 1] = t1 - t0;
                }
                else
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, error, null);
                }
            }
        }

        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            var worker = w;
            tasks[w] = Task.Run(() => Worker(worker), CancellationToken.None);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var use = cpu.Stop();
        var latency = Latency.FromTicks(samples.AsSpan(0, (int)completed));
        return new LoadResult(completed, errors, seconds, completed / seconds, latency, stoppedByTime, firstError, use);
    }
}
