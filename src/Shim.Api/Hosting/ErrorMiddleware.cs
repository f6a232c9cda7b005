using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Shim.Api.Errors;

namespace Shim.Api.Hosting;

/// <summary>Every failure leaves as a Kubernetes Status: ApiExceptions as they are, anything unexpected as a logged 500.</summary>
public sealed partial class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (ApiException ex)
        {
            await WriteAsync(context, ex).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception ex) when (ex is BadHttpRequestException or Microsoft.AspNetCore.Connections.ConnectionResetException)
        {
            await WriteAsync(context, ApiException.BadRequest(ex.Message)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The last line of defence: an unexpected failure must still answer with a Status.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUnexpected(ex, context.Request.Method, context.Request.Path);
            await WriteAsync(context, new ApiException(500, "InternalError", $"Internal error occurred: {ex.Message}",
                causes: [new StatusCause("", ex.Message, null)])).ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(HttpContext context, ApiException ex)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = ex.Code;
        context.Response.ContentType = "application/json";
        if (ex.RetryAfterSeconds is { } retry)
        {
            context.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await context.Response.WriteAsync(ex.ToStatus().ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure serving {Method} {Path}")]
    private partial void LogUnexpected(Exception ex, string method, string path);
}
