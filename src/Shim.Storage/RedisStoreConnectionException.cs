namespace Shim.Storage;

/// <summary>The Redis server named by <see cref="Endpoint"/> could not be reached or did not answer.</summary>
public sealed class RedisStoreConnectionException(string endpoint, Exception innerException)
    : Exception($"cannot connect to Redis at {endpoint}: {innerException.Message}", innerException)
{
    public string Endpoint { get; } = endpoint;
}
