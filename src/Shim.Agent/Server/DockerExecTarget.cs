using Shim.Docker;
using Shim.Streaming.RemoteCommand;

namespace Shim.Agent.Server;

/// <summary>kubectl exec as a Docker exec in the container; the exit code comes from inspecting the exec.</summary>
public sealed class DockerExecTarget(IDockerClient docker, string containerId, IReadOnlyList<string> command) : IRemoteCommandTarget
{
    public async Task<int> RunAsync(RemoteCommandStreams streams, CancellationToken cancellationToken)
    {
        string execId;
        HijackedStream session;
        try
        {
            execId = await docker.CreateExecAsync(containerId, new ExecConfig
            {
                Cmd = command,
                AttachStdin = streams.Stdin is not null,
                AttachStdout = streams.Stdout is not null,
                AttachStderr = streams.Stderr is not null,
                Tty = streams.Tty,
            }, cancellationToken).ConfigureAwait(false);
            session = await docker.StartExecAsync(execId, streams.Tty, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerException e)
        {
            throw new RemoteCommandException($"failed to exec in container: {e.Message}", e);
        }

        await using (session.ConfigureAwait(false))
        {
            await SessionPump.RunAsync(session, streams, (h, w, ct) => docker.ResizeExecAsync(execId, h, w, ct), cancellationToken).ConfigureAwait(false);
        }

        // The output ends when the process does; its exit code may take a moment to be recorded.
        for (var i = 0; i < 50; i++)
        {
            var state = await docker.InspectExecAsync(execId, cancellationToken).ConfigureAwait(false);
            if (state["Running"]?.GetValue<bool>() != true)
            {
                return (int)(state["ExitCode"]?.GetValue<long>() ?? 0);
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }
}
