namespace Shim.Agent.Pods.Inputs;

/// <summary>
/// A pod input that cannot be resolved (a missing ConfigMap key, an unmountable volume). <see cref="Reason"/> is the
/// waiting reason/event reason upstream uses (CreateContainerConfigError, FailedMount); the message is user facing.
/// </summary>
public sealed class PodInputException : Exception
{
    public PodInputException(string reason, string message)
        : base(message) => Reason = reason;

    public PodInputException(string reason, string message, Exception innerException)
        : base(message, innerException) => Reason = reason;

    public PodInputException()
        : this("CreateContainerConfigError", "invalid pod input")
    {
    }

    public PodInputException(string message)
        : this("CreateContainerConfigError", message)
    {
    }

    public PodInputException(string message, Exception innerException)
        : base(message, innerException) => Reason = "CreateContainerConfigError";

    public string Reason { get; }
}
