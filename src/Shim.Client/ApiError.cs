using Shim.Model.Meta.V1;

namespace Shim.Client;

/// <summary>A request the API server refused; <see cref="Status"/> is its metav1.Status (or one made from the HTTP status).</summary>
public sealed class ApiError : Exception
{
    public ApiError(Status status)
        : base($"{status.Code} {status.Reason}: {status.Message}") => Status = status;

    public ApiError()
        : this(new Status { Code = 500, Reason = "InternalError", Message = "unknown error" })
    {
    }

    public ApiError(string message)
        : this(new Status { Code = 500, Reason = "InternalError", Message = message })
    {
    }

    public ApiError(string message, Exception innerException)
        : base(message, innerException) => Status = new Status { Code = 500, Reason = "InternalError", Message = message };

    public Status Status { get; }

    public int Code => Status.Code ?? 0;

    public bool IsNotFound => Code == 404;

    public bool IsConflict => Code == 409;

}
