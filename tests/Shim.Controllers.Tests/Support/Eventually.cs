namespace Shim.Controllers.Tests.Support;

/// <summary>Waits for a condition the controllers reach asynchronously; fails with the last observation.</summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null, Func<string>? describe = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (await probe().ConfigureAwait(false) is { } result)
            {
                return result;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}{(describe is null ? "" : ": " + describe())}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null, Func<string>? describe = null) =>
        UntilAsync(async () => await probe().ConfigureAwait(false) ? "" : null, what, timeout, describe);
}
