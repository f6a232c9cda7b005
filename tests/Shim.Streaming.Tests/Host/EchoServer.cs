using System.Net;
using System.Net.Sockets;

namespace Shim.Streaming.Tests.Host;

/// <summary>A loopback TCP server that echoes what it receives and closes after the client half-closes.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public EchoServer()
    {
        _listener.Start();
        // Off the test framework's synchronization context: the loop must run whatever the tests are doing.
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        var stream = client.GetStream();
                        await stream.CopyToAsync(stream, _stop.Token);
                    }
                    catch (Exception error) when (error is IOException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                }
            });
        }
    }
}
