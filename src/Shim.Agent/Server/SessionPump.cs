using Shim.Docker;
using Shim.Streaming.RemoteCommand;

namespace Shim.Agent.Server;

/// <summary>Pumps a client's streams through a hijacked Docker attach/exec connection until the output ends.</summary>
internal static class SessionPump
{
    public static async Task RunAsync(HijackedStream session, RemoteCommandStreams streams, Func<int, int, CancellationToken, Task> resize, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var resizing = ResizeAsync(streams, resize, done.Token);
        var input = streams.Stdin is null ? Task.CompletedTask : CopyInputAsync(streams.Stdin, session, done.Token);
        try
        {
            if (streams.Tty)
            {
                await session.CopyToAsync(streams.Stdout ?? Stream.Null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await new MultiplexedStream(session).CopyOutputToAsync(streams.Stdout ?? Stream.Null, streams.Stderr ?? Stream.Null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The connection to dockerd ended with the process.
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(Quietly(input), Quietly(resizing)).ConfigureAwait(false);
        }
    }

    private static async Task CopyInputAsync(Stream stdin, HijackedStream session, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stdin.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await session.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            await session.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        // The client closed stdin: the process sees end of input.
        await session.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ResizeAsync(RemoteCommandStreams streams, Func<int, int, CancellationToken, Task> resize, CancellationToken cancellationToken)
    {
        await foreach (var size in streams.Resizes.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await resize(size.Height, size.Width, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerException)
            {
                // A resize racing with the process's end is harmless.
            }
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or DockerException)
        {
            // Ending the session ends its pumps.
        }
    }
}
