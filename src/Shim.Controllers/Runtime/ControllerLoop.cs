using Microsoft.Extensions.Logging;
using Shim.Client;

namespace Shim.Controllers.Runtime;

/// <summary>
/// The loop every controller shares: wait for its informers' first lists, then take keys from the work queue one at a
/// time and reconcile them. Success forgets the key's backoff; any failure is logged and the key retried with backoff,
/// so a controller never dies of one bad object. One worker per controller keeps a key from being synced twice at once.
/// </summary>
public sealed partial class ControllerLoop(string name, WorkQueue queue, Func<string, CancellationToken, Task> sync, ILogger logger)
{
    public string Name => name;

    public async Task RunAsync(IEnumerable<Task> synced, CancellationToken cancellationToken)
    {
        await Task.WhenAll(synced).WaitAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(logger, name);
        while (!cancellationToken.IsCancellationRequested)
        {
            string key;
            try
            {
                key = await queue.TakeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await sync(key, cancellationToken).ConfigureAwait(false);
                queue.Forget(key);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Any failure of one key is retried; the loop must survive it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogSyncFailed(logger, name, key, e is ApiError ? e.Message : e.ToString());
                queue.Retry(key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Controller {Controller} started")]
    private static partial void LogStarted(ILogger logger, string controller);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Controller}: syncing {Key} failed, retrying: {Error}")]
    private static partial void LogSyncFailed(ILogger logger, string controller, string key, string error);
}
