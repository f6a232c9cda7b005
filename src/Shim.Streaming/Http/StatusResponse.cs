using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Shim.Streaming.Http;

/// <summary>
/// Refusals before an upgrade, as a metav1.Status JSON body: kubectl shows those as "Error from server (...)",
/// and any non-101 answer makes it fall back from WebSocket to SPDY.
/// </summary>
internal static class StatusResponse
{
    public static async Task WriteAsync(HttpContext context, int code, string message, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }
        var reason = code switch
        {
            StatusCodes.Status403Forbidden => "Forbidden",
            StatusCodes.Status500InternalServerError => "InternalError",
            _ => "BadRequest",
        };
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(status.ToJsonString(), cancellationToken).ConfigureAwait(false);
    }
}
