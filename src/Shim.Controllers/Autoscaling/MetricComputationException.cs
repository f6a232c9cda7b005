namespace Shim.Controllers.Autoscaling;

/// <summary>A metric could not give a replica count; the message is upstream's, it ends up in a condition and an event.</summary>
public sealed class MetricComputationException : Exception
{
    public MetricComputationException()
    {
    }

    public MetricComputationException(string message)
        : base(message)
    {
    }

    public MetricComputationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
