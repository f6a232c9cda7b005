using System.Diagnostics;
using Shim.Streaming.RemoteCommand;

namespace Shim.Streaming.Tests.Host;

/// <summary>Runs the exec's argv as a local process: a stand-in for a Docker exec in end-to-end tests.</summary>
public sealed class ProcessCommandTarget : IRemoteCommandTarget
{
    private readonly IReadOnlyList<string> _command;

    public ProcessCommandTarget(IReadOnlyList<string> command)
    {
        _command = command;
    }

    /// <summary>Sizes received from the client (tty sessions), for tests to inspect.</summary>
    public List<TerminalSize> ReceivedSizes { get; } = [];

    public async Task<int> RunAsync(RemoteCommandStreams streams, CancellationToken cancellationToken)
    {
        if (_command.Count == 0)
        {
            throw new RemoteCommandException("no command given");
        }
        var start = new ProcessStartInfo(_command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in _command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new RemoteCommandException("could not start the process");
        var resizes = Task.Run(async () =>
        {
            await foreach (var size in streams.Resizes.ReadAllAsync(cancellationToken))
            {
                lock (ReceivedSizes)
                {
                    ReceivedSizes.Add(size);
                }
            }
        }, cancellationToken);
        var stdin = PumpStdinAsync(streams.Stdin, process.StandardInput.BaseStream, cancellationToken);
        var stdout = Copy(process.StandardOutput.BaseStream, streams.Stdout, cancellationToken);
        // With a tty the client has no stderr stream: merge, as a terminal would.
        var stderr = Copy(process.StandardError.BaseStream, streams.Stderr ?? streams.Stdout, cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
            await Task.WhenAll(stdout, stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        _ = stdin;
        _ = resizes;
        return process.ExitCode;
    }

    private static async Task PumpStdinAsync(Stream? source, Stream processInput, CancellationToken cancellationToken)
    {
        try
        {
            if (source != null)
            {
                await source.CopyToAsync(processInput, cancellationToken);
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException)
        {
        }
        finally
        {
            try
            {
                processInput.Close(); // end of input for the process
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task Copy(Stream source, Stream? destination, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (destination != null)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
    }
}
