using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Shim.Docker.Tests;

/// <summary>
/// Exposes the local dockerd's unix socket on a loopback TCP port, optionally behind TLS with required client
/// certificates, so tcp:// endpoints are tested against the real daemon without reconfiguring it. Half-closes are
/// passed through in both directions, which is what CloseWriteAsync relies on.
/// </summary>
public sealed class DockerdTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2? _serverCertificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public DockerdTcpProxy(X509Certificate2? serverCertificate = null)
    {
        _serverCertificate = serverCertificate;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public string Endpoint => $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Subject of the last client certificate presented over TLS.</summary>
    public string? LastClientSubject { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket clientSocket)
    {
        using var daemonSocket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await using Stream clientStream = new NetworkStream(clientSocket, ownsSocket: true);
        try
        {
            var client = clientStream;
            if (_serverCertificate is not null)
            {
                var tls = new SslStream(clientStream, leaveInnerStreamOpen: true, (_, certificate, _, _) =>
                {
                    LastClientSubject = certificate?.Subject;
                    return certificate is not null;
                });
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _serverCertificate, ClientCertificateRequired = true }, _stop.Token);
                client = tls;
            }

            await daemonSocket.ConnectAsync(new UnixDomainSocketEndPoint("/var/run/docker.sock"), _stop.Token);
            await using var daemon = new NetworkStream(daemonSocket, ownsSocket: false);
            var up = PumpAsync(client, daemon, () =>
            {
                daemonSocket.Shutdown(SocketShutdown.Send);
                return Task.CompletedTask;
            });
            var down = PumpAsync(daemon, client, async () =>
            {
                if (client is SslStream tls)
                {
                    await tls.ShutdownAsync();
                }

                clientSocket.Shutdown(SocketShutdown.Send);
            });
            await Task.WhenAll(up, down);
            await client.DisposeAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            // A client that went away or failed its handshake (the bad-CA test does that on purpose).
        }
    }

    private async Task PumpAsync(Stream from, Stream to, Func<Task> closeWrite)
    {
        await from.CopyToAsync(to, _stop.Token);
        await to.FlushAsync(_stop.Token);
        await closeWrite();
    }
}
