using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Shim.Api.Errors;

namespace Shim.Api.NodeProxy;

/// <summary>
/// Carries pods/log, exec, attach and portforward to the agent on the pod's node, over HTTPS with the API server's
/// client certificate. Upgrade requests (SPDY, WebSocket) are forwarded byte for byte: the agent speaks the
/// streaming protocol with kubectl, the API server only splices the two connections, as upstream's upgrade-aware proxy.
/// The agent's serving certificate is self-signed and not verified, as upstream without --kubelet-certificate-authority.
/// </summary>
public sealed class AgentForwarder(X509Certificate2 clientCertificate)
{
    private static readonly string[] HopHeaders = ["Host", "Authorization", "Content-Length", "Transfer-Encoding"];
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public async Task ForwardAsync(HttpContext context, string host, int port, string pathAndQuery, CancellationToken ct)
    {
        await using var stream = await ConnectAsync(host, port, ct).ConfigureAwait(false);
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var isUpgrade = upgrade?.IsUpgradableRequest == true;
        await WriteRequestHeadAsync(stream, context.Request, host, port, pathAndQuery, isUpgrade, ct).ConfigureAwait(false);
        if (!isUpgrade && (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0))
        {
            // Non-upgrade requests here are GETs (logs); a body is not forwarded.
            throw ApiException.BadRequest("a request body is not accepted here");
        }

        var head = await HttpHead.ReadAsync(stream, ct).ConfigureAwait(false);
        context.Response.StatusCode = head.Status;
        foreach (var (name, value) in head.Headers)
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && !name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers.Append(name, value);
            }
        }

        if (head.Status == 101 && upgrade is not null)
        {
            context.Response.Headers.Connection = "Upgrade";
            context.Response.Headers.Upgrade = head.Header("Upgrade") ?? "";
            await using var client = await upgrade.UpgradeAsync().ConfigureAwait(false);
            await SpliceAsync(client, stream, head.Leftover, ct).ConfigureAwait(false);
            return;
        }

        // An answer without upgrade (an error, or logs): relay the body as it comes.
        var body = head.Body(stream);
        await body.CopyToAsync(context.Response.Body, ct).ConfigureAwait(false);
    }

    private async Task<Stream> ConnectAsync(string host, int port, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                ClientCertificates = [clientCertificate],
                ApplicationProtocols = [SslApplicationProtocol.Http11],
            }, timeout.Token).ConfigureAwait(false);
            return tls;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException && !ct.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ApiException(502, "InternalError", $"error dialing backend: dial tcp {host}:{port}: {e.Message}");
        }
    }

    private static async Task WriteRequestHeadAsync(Stream stream, HttpRequest request, string host, int port, string pathAndQuery, bool upgrade, CancellationToken ct)
    {
        var head = new StringBuilder();
        head.Append(request.Method).Append(' ').Append(pathAndQuery).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(host).Append(':').Append(port).Append("\r\n");
        foreach (var (name, values) in request.Headers)
        {
            if (HopHeaders.Contains(name, StringComparer.OrdinalIgnoreCase) || name.StartsWith(':'))
            {
                continue;
            }

            foreach (var value in values)
            {
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        if (!upgrade)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    private static async Task SpliceAsync(Stream client, Stream agent, ReadOnlyMemory<byte> leftover, CancellationToken ct)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (!leftover.IsEmpty)
        {
            await client.WriteAsync(leftover, ct).ConfigureAwait(false);
            await client.FlushAsync(ct).ConfigureAwait(false);
        }

        var up = Pump(client, agent, done.Token);
        var down = Pump(agent, client, done.Token);
        await Task.WhenAny(up, down).ConfigureAwait(false);
        // Either side closing ends the session: the streaming protocols have their own end-of-stream signals.
        await done.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(up, down).ConfigureAwait(false);
    }

    private static async Task Pump(Stream from, Stream to, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                await to.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The session is over.
        }
    }
}
