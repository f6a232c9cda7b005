namespace Shim.Agent.Server;

/// <summary>A request the agent refuses, answered as a metav1.Status with <see cref="Code"/>.</summary>
public sealed class AgentRequestException : Exception
{
    public AgentRequestException(int code, string message)
        : base(message) => Code = code;

    public AgentRequestException()
    {
    }

    public AgentRequestException(string message)
        : base(message)
    {
    }

    public AgentRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Code { get; } = 400;
}
