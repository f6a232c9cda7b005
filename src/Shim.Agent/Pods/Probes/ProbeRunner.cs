using System.Globalization;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Probes;

/// <summary>Runs one probe attempt or one lifecycle hook: exec (docker exec), httpGet, tcpSocket, grpc, sleep.</summary>
/// <remarks>
/// Messages are worded as the kubelet words them. A probe's <see cref="ProbeOutcome.Message"/> is the probe output the
/// kubelet puts after "Liveness probe failed: " (the caller adds that prefix, as it knows the kind). A hook's message
/// is the whole FailedPostStartHook/FailedPreStopHook event text.
/// </remarks>
public static class ProbeRunner
{
    /// <summary>The default of timeoutSeconds.</summary>
    public const int DefaultTimeoutSeconds = 1;

    /// <summary>
    /// One attempt of <paramref name="probe"/> bounded by its timeoutSeconds. Never throws for a failed probe: a
    /// timeout, refused connection, unknown named port or Docker error is a failed outcome. Throws
    /// <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static async Task<ProbeOutcome> ProbeAsync(Probe probe, ProbeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(context);
        var timeout = TimeSpan.FromSeconds(probe.TimeoutSeconds is > 0 and var seconds ? seconds : DefaultTimeoutSeconds);

        if (probe.Exec is { } exec)
        {
            var command = exec.Command ?? [];
            var result = await ExecRunner.RunAsync(context.Docker, context.ContainerId, command, timeout, cancellationToken).ConfigureAwait(false);
            return result switch
            {
                { TimedOut: true } => new ProbeOutcome(false, $"command {GoText.Quote(string.Join(' ', command))} timed out"),
                { Error: { } error } => new ProbeOutcome(false, error),
                _ => new ProbeOutcome(result.ExitCode == 0, result.Output),
            };
        }

        if (probe.HttpGet is { } httpGet)
        {
            var result = await HttpGetRunner.GetAsync(httpGet, context, "probe", timeout, cancellationToken).ConfigureAwait(false);
            return result switch
            {
                { Error: { } error } => new ProbeOutcome(false, error),

                // The kubelet counts a redirect it does not follow as success, with a ProbeWarning event.
                { RedirectNotFollowed: true } => new ProbeOutcome(true, $"Probe terminated redirects, Response body: {result.Body}"),
                { StatusCode: >= 200 and < 400 } => new ProbeOutcome(true, result.Body),
                _ => new ProbeOutcome(false, $"HTTP probe failed with statuscode: {result.StatusCode?.ToString(CultureInfo.InvariantCulture)}"),
            };
        }

        if (probe.TcpSocket is { } tcpSocket)
        {
            var port = ProbeTarget.ResolvePort(tcpSocket.Port, context.Container, out var portError);
            if (port is null)
            {
                return new ProbeOutcome(false, portError);
            }

            var host = ProbeTarget.HostOrPodIp(tcpSocket.Host, context);
            var error = await TcpConnectRunner.ConnectAsync(host, port.Value, timeout, cancellationToken).ConfigureAwait(false);
            return new ProbeOutcome(error is null, error ?? "");
        }

        if (probe.Grpc is not null)
        {
            // Not implemented yet: would need an HTTP/2 grpc.health.v1.Health/Check client. Failing loudly beats
            // pretending the container is healthy.
            return new ProbeOutcome(false, "gRPC probes are not supported");
        }

        return new ProbeOutcome(false, $"missing probe handler for {FormatPod(context.Pod)}:{context.Container.Name}");
    }

    /// <summary>
    /// A postStart/preStop handler; failure messages as upstream's FailedPostStartHook/FailedPreStopHook events.
    /// Hooks have no timeout of their own: <paramref name="cancellationToken"/> (e.g. the end of the grace period)
    /// bounds them, and its cancellation is reported as a failed outcome rather than thrown.
    /// </summary>
    public static async Task<ProbeOutcome> RunHookAsync(LifecycleHandler handler, ProbeContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(context);
        var where = $"for Container {GoText.Quote(context.Container.Name ?? "")} in Pod {GoText.Quote(FormatPod(context.Pod))}";

        if (handler.Exec is { } exec)
        {
            var command = exec.Command ?? [];
            ExecResult result;
            try
            {
                result = await ExecRunner.RunAsync(context.Docker, context.ContainerId, command, timeout: null, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                result = new ExecResult(null, "", "", TimedOut: false, Error: "context canceled");
            }

            if (result.ExitCode == 0)
            {
                return new ProbeOutcome(true, "");
            }

            var exitCode = result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-1";
            var error = result.Error ?? $"command '{string.Join(' ', command)}' exited with {exitCode}: {result.Stderr}";
            return new ProbeOutcome(false, $"Exec lifecycle hook ({GoText.List(command)}) {where} failed - error: {error}, message: {GoText.Quote(result.Output)}");
        }

        if (handler.HttpGet is { } httpGet)
        {
            string? error;
            try
            {
                // The status code does not matter to the kubelet for hooks: only reaching the server does.
                error = (await HttpGetRunner.GetAsync(httpGet, context, "lifecycle", timeout: null, cancellationToken).ConfigureAwait(false)).Error;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                error = "context canceled";
            }

            return error is null
                ? new ProbeOutcome(true, "")
                : new ProbeOutcome(false, $"HTTP lifecycle hook ({httpGet.Path}) {where} failed - error: {error}");
        }

        if (handler.Sleep is { } sleep)
        {
            var seconds = Math.Max(0, sleep.Seconds ?? 0);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
                return new ProbeOutcome(true, "");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new ProbeOutcome(false, $"Sleep lifecycle hook ({seconds.ToString(CultureInfo.InvariantCulture)}) {where} failed - error: container terminated before sleep hook finished");
            }
        }

        // tcpSocket is accepted by the API for compatibility but never run as a hook, as upstream.
        return new ProbeOutcome(false, "Cannot run handler: invalid handler: the handler has no exec, httpGet or sleep action");
    }

    /// <summary>The kubelet's name for a pod in messages: NAME_NAMESPACE(UID).</summary>
    private static string FormatPod(Pod pod) => $"{pod.Metadata?.Name}_{pod.Metadata?.Namespace}({pod.Metadata?.Uid})";
}
