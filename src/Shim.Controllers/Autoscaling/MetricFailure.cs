namespace Shim.Controllers.Autoscaling;

/// <summary>A metric that gave no replica count: the condition/event reason (e.g. FailedGetResourceMetric) and upstream's message.</summary>
public sealed class MetricFailure : Exception
{
    public MetricFailure()
    {
        Reason = "";
    }

    public MetricFailure(string message)
        : base(message)
    {
        Reason = "";
    }

    public MetricFailure(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = "";
    }

    public MetricFailure(string reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public string Reason { get; }
}
