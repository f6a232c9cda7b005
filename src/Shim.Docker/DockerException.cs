namespace Shim.Docker;

/// <summary>A Docker Engine API failure. <see cref="StatusCode"/> is the HTTP status, 0 when dockerd could not be reached.</summary>
public sealed class DockerException : Exception
{
    public DockerException(int statusCode, string message, Exception? inner = null)
        : base(message, inner) => StatusCode = statusCode;

    public DockerException()
    {
    }

    public DockerException(string message)
        : base(message)
    {
    }

    public DockerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int StatusCode { get; }

    public bool IsNotFound => StatusCode == 404;

    public bool IsConflict => StatusCode == 409;

    public bool IsUnreachable => StatusCode == 0;
}
