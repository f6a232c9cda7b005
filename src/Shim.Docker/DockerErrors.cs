using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shim.Docker;

/// <summary>Turns dockerd's error bodies and transport failures into <see cref="DockerException"/>s.</summary>
internal static class DockerErrors
{
    /// <summary>The "message" of Docker's JSON error body; the raw text (or the status) when the body is not that.</summary>
    public static DockerException FromResponse(int statusCode, string body)
    {
        string? message = null;
        try
        {
            message = (JsonNode.Parse(body) as JsonObject)?["message"]?.ToString();
        }
        catch (JsonException)
        {
            // Not JSON (a proxy in between, or plain text): the text itself is the best message there is.
        }

        message ??= body.Trim();
        return new DockerException(statusCode, message.Length > 0 ? message : $"dockerd answered HTTP {statusCode}");
    }

    public static DockerException Unreachable(DockerEndpoint endpoint, Exception cause)
    {
        // .NET reports a missing unix socket file as "Cannot assign requested address"; say what is really wrong.
        var reason = endpoint.SocketPath is { } path && !File.Exists(path) ? $"{path} does not exist" : Reason(cause);
        return new DockerException(0, $"cannot reach dockerd at {endpoint}: {reason}", cause);
    }

    /// <summary>The most specific reason: the socket error if there is one (e.g. "Connection refused"), else the innermost message.</summary>
    private static string Reason(Exception cause)
    {
        for (var e = cause; e is not null; e = e.InnerException)
        {
            if (e is SocketException socketError)
            {
                return socketError.Message;
            }
        }

        var innermost = cause;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return innermost.Message;
    }
}
