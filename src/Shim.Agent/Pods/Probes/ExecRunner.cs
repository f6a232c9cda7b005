using System.Text.Json.Nodes;
using Shim.Docker;

namespace Shim.Agent.Pods.Probes;

/// <summary>Runs a command in a running container with docker exec and waits for its exit code.</summary>
internal static class ExecRunner
{
    /// <summary>The kubelet keeps at most 10 KiB of an exec probe's output.</summary>
    public const int MaxOutputBytes = 10 * 1024;

    // After the output stream ends dockerd may report the exec as running for a moment; poll until it settles.
    private static readonly TimeSpan ExitPollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Runs <paramref name="command"/>; a null <paramref name="timeout"/> waits as long as
    /// <paramref name="cancellationToken"/> allows. Cancellation of the token itself throws.
    /// </summary>
    public static async Task<ExecResult> RunAsync(
        IDockerClient docker, string containerId, IReadOnlyList<string> command, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }

        var stdout = new CappedOutputBuffer(MaxOutputBytes);
        var stderr = new CappedOutputBuffer(MaxOutputBytes);
        try
        {
            var execId = await docker.CreateExecAsync(containerId, new ExecConfig { Cmd = command }, deadline.Token).ConfigureAwait(false);
            var stream = await docker.StartExecAsync(execId, tty: false, deadline.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var frames = new MultiplexedStream(stream);
                while (await frames.ReadFrameAsync(deadline.Token).ConfigureAwait(false) is { } frame)
                {
                    (frame.StreamType == MultiplexedFrame.Stderr ? stderr : stdout).Append(frame.Payload.Span);
                }
            }

            while (true)
            {
                var inspect = await docker.InspectExecAsync(execId, deadline.Token).ConfigureAwait(false);
                if (!IsRunning(inspect))
                {
                    return new ExecResult(ExitCodeOf(inspect), stdout.ToString(), stderr.ToString(), TimedOut: false, Error: null);
                }

                await Task.Delay(ExitPollInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            // Like the kubelet with dockershim, the command is left running: the Engine API cannot kill an exec.
            return new ExecResult(null, stdout.ToString(), stderr.ToString(), TimedOut: true, Error: null);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Docker refused (container gone or stopped, bad command) or the connection broke: a failed attempt.
            return new ExecResult(null, stdout.ToString(), stderr.ToString(), TimedOut: false, Error: error.Message);
        }
    }

    private static bool IsRunning(JsonObject inspect) => inspect["Running"] is JsonValue running && running.TryGetValue<bool>(out var value) && value;

    private static long? ExitCodeOf(JsonObject inspect) =>
        inspect["ExitCode"] is JsonValue code && code.TryGetValue<long>(out var value) ? value : null;
}
