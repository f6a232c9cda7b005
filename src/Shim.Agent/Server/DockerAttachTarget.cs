using Shim.Docker;
using Shim.Streaming.RemoteCommand;

namespace Shim.Agent.Server;

/// <summary>kubectl attach: the container's own stdio through Docker's attach.</summary>
public sealed class DockerAttachTarget(IDockerClient docker, string containerId) : IRemoteCommandTarget
{
    public async Task<int> RunAsync(RemoteCommandStreams streams, CancellationToken cancellationToken)
    {
        HijackedStream session;
        try
        {
            session = await docker.AttachAsync(containerId, streams.Stdin is not null, streams.Stdout is not null, streams.Stderr is not null, streams.Tty, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerException e)
        {
            throw new RemoteCommandException($"failed to attach to container: {e.Message}", e);
        }

        await using (session.ConfigureAwait(false))
        {
            await SessionPump.RunAsync(session, streams, (h, w, ct) => docker.ResizeContainerTtyAsync(containerId, h, w, ct), cancellationToken).ConfigureAwait(false);
        }

        // Output ended: either the container exited (report its code) or it detached us.
        var inspect = await docker.InspectContainerAsync(containerId, cancellationToken).ConfigureAwait(false);
        return inspect?["State"]?["Running"]?.GetValue<bool>() == false ? (int)(inspect["State"]?["ExitCode"]?.GetValue<long>() ?? 0) : 0;
    }
}
