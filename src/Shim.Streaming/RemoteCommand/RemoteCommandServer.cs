using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Shim.Streaming.Http;

namespace Shim.Streaming.RemoteCommand;

/// <summary>
/// The server side of kubectl exec/attach: negotiates WebSocket (<c>v5.channel.k8s.io</c> … <c>channel.k8s.io</c>, kubectl ≥ 1.30)
/// or SPDY/3.1 (<c>X-Stream-Protocol-Version</c> v4 … v1, older kubectl and the fallback), then runs the target.
/// WebSocket requests need the host to call <c>app.UseWebSockets()</c> before this handler's endpoint; without it
/// they are refused with 400 and kubectl falls back to SPDY.
/// </summary>
public static class RemoteCommandServer
{
    public static async Task HandleAsync(HttpContext context, RemoteCommandOptions options, IRemoteCommandTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(target);
        var request = context.Request;

        if (UpgradeHeaders.IsWebSocketUpgrade(request))
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                await StatusResponse.WriteAsync(context, StatusCodes.Status400BadRequest,
                    "WebSocket upgrade is not enabled on this server (the host must call UseWebSockets()); use SPDY/3.1", cancellationToken).ConfigureAwait(false);
                return;
            }
            var offered = UpgradeHeaders.OfferedSubprotocols(request);
            var protocol = offered.Count == 0
                ? RemoteCommandProtocol.V1
                : RemoteCommandProtocol.Choose(offered, RemoteCommandProtocol.WebSocket);
            if (protocol == null)
            {
                await StatusResponse.WriteAsync(context, StatusCodes.Status400BadRequest,
                    $"none of the offered WebSocket subprotocols ({string.Join(", ", offered)}) is supported; supported: {SupportedNames(RemoteCommandProtocol.WebSocket)}",
                    cancellationToken).ConfigureAwait(false);
                return;
            }
            var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
            {
                SubProtocol = offered.Count == 0 ? null : protocol.Name,
            }).ConfigureAwait(false);
            await WebSocketRemoteCommandSession.RunAsync(socket, protocol, options, target, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (UpgradeHeaders.IsSpdyUpgrade(request))
        {
            var offered = UpgradeHeaders.Tokens(request.Headers[UpgradeHeaders.StreamProtocolVersion]);
            if (offered.Count == 0)
            {
                await StatusResponse.WriteAsync(context, StatusCodes.Status400BadRequest,
                    $"unable to upgrade: {UpgradeHeaders.StreamProtocolVersion} header is missing", cancellationToken).ConfigureAwait(false);
                return;
            }
            var protocol = RemoteCommandProtocol.Choose(offered, RemoteCommandProtocol.Spdy);
            if (protocol == null)
            {
                foreach (var supported in RemoteCommandProtocol.Spdy)
                {
                    context.Response.Headers.Append(UpgradeHeaders.AcceptedStreamProtocolVersions, supported.Name);
                }
                await StatusResponse.WriteAsync(context, StatusCodes.Status403Forbidden,
                    $"unable to upgrade: unable to negotiate protocol: client supports {string.Join(", ", offered)}, server supports {SupportedNames(RemoteCommandProtocol.Spdy)}",
                    cancellationToken).ConfigureAwait(false);
                return;
            }
            var transport = await SpdyUpgrade.TryUpgradeAsync(context, protocol.Name, cancellationToken).ConfigureAwait(false);
            if (transport != null)
            {
                await SpdyRemoteCommandSession.RunAsync(transport, protocol, options, target, cancellationToken).ConfigureAwait(false);
            }
            return;
        }

        await StatusResponse.WriteAsync(context, StatusCodes.Status400BadRequest,
            "Upgrade request required: exec and attach need 'Upgrade: websocket' (v5.channel.k8s.io) or 'Upgrade: SPDY/3.1'", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads stdin/stdout/stderr/tty (also the kubelet's input/output/error names), command and container.
    /// Booleans follow the API server: absent, "false" or "0" is false, anything else (even empty) true.
    /// </summary>
    /// <exception cref="StreamRequestException">No stream was requested.</exception>
    public static RemoteCommandOptions ParseOptions(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var tty = Flag(query, "tty");
        var options = new RemoteCommandOptions
        {
            Stdin = Flag(query, "stdin") || Flag(query, "input"),
            Stdout = Flag(query, "stdout") || Flag(query, "output"),
            Stderr = !tty && (Flag(query, "stderr") || Flag(query, "error")),
            Tty = tty,
            Command = query["command"].Where(argument => argument != null).Select(argument => argument!).ToList(),
            Container = query.TryGetValue("container", out var container) && !string.IsNullOrEmpty(container) ? container.ToString() : null,
        };
        if (!options.Stdin && !options.Stdout && !Flag(query, "stderr") && !Flag(query, "error"))
        {
            throw new StreamRequestException("you must specify at least 1 of stdin, stdout, stderr");
        }
        return options;
    }

    private static bool Flag(IQueryCollection query, string name)
    {
        if (!query.TryGetValue(name, out var values) || values.Count == 0)
        {
            return false;
        }
        var value = values[values.Count - 1] ?? "";
        return !(value.Equals("false", StringComparison.OrdinalIgnoreCase) || value == "0");
    }

    private static string SupportedNames(IEnumerable<RemoteCommandProtocol> protocols) =>
        string.Join(", ", protocols.Select(protocol => protocol.Name));
}
