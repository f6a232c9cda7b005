namespace Shim.Api.ServiceNetwork;

/// <summary>
/// An allocator's refusal, with upstream's wording ("provided IP is already allocated", "range is full", ...);
/// the caller turns it into the API error upstream returns for the field at hand.
/// </summary>
public sealed class AllocationFailedException : Exception
{
    public AllocationFailedException()
    {
    }

    public AllocationFailedException(string message)
        : base(message)
    {
    }

    public AllocationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public const string RangeFull = "range is full";
}
