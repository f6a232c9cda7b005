namespace Shim.Controllers.GarbageCollector;

/// <summary>
/// No discovered resource serves a kind an object or ownerReference names (a custom resource not yet discovered, or a
/// version no longer served). Never a reason to delete anything; the item is retried after the next discovery.
/// </summary>
public sealed class UnknownKindException : Exception
{
    public UnknownKindException()
    {
    }

    public UnknownKindException(string message)
        : base(message)
    {
    }

    public UnknownKindException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
