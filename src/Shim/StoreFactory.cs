using Shim.Storage;

namespace Shim;

/// <summary>Opens the store named by --store: "memory" (embedded) or "redis://HOST:PORT[/PREFIX]".</summary>
public static class StoreFactory
{
    public const string DefaultRedisPrefix = "shim/";

    public static async Task<IStore> OpenAsync(string spec, CancellationToken cancellationToken)
    {
        if (spec is "" or "memory" or "embedded")
        {
            return new MemoryStore();
        }

        if (!Uri.TryCreate(spec, UriKind.Absolute, out var uri) || uri.Scheme != "redis")
        {
            throw new ArgumentException($"--store must be 'memory' or 'redis://HOST:PORT[/PREFIX]', got '{spec}'");
        }

        var prefix = uri.AbsolutePath.Trim('/');
        prefix = prefix.Length == 0 ? DefaultRedisPrefix : prefix + "/";
        var port = uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port;
        return await RedisStore.ConnectAsync($"{uri.Host}:{port}", prefix, cancellationToken).ConfigureAwait(false);
    }
}
