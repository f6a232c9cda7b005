using System.Text.Json.Nodes;

namespace Shim.Api.Errors;

/// <summary>
/// A failure that becomes a Kubernetes Status response. Factory methods produce the messages and reasons
/// upstream uses, since kubectl branches on reason and code.
/// </summary>
public sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, string? name = null, string? group = null, string? kind = null,
        IReadOnlyList<StatusCause>? causes = null, int? retryAfterSeconds = null, string? continueToken = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Name = name;
        Group = group;
        Kind = kind;
        Causes = causes ?? [];
        RetryAfterSeconds = retryAfterSeconds;
        ContinueToken = continueToken;
    }

    public int Code { get; }
    public string Reason { get; }
    public string? Name { get; }
    public string? Group { get; }
    public string? Kind { get; }
    public IReadOnlyList<StatusCause> Causes { get; }
    public int? RetryAfterSeconds { get; }
    public string? ContinueToken { get; }

    /// <summary>"pods" for the core group, "deployments.apps" otherwise.</summary>
    public static string GroupResource(string group, string resource) => group.Length == 0 ? resource : $"{resource}.{group}";

    public static ApiException NotFound(string group, string resource, string name) =>
        new(404, "NotFound", $"{GroupResource(group, resource)} \"{name}\" not found", name, NullIfEmpty(group), resource);

    public static ApiException AlreadyExists(string group, string resource, string name) =>
        new(409, "AlreadyExists", $"{GroupResource(group, resource)} \"{name}\" already exists", name, NullIfEmpty(group), resource);

    public static ApiException Conflict(string group, string resource, string name, string detail) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {GroupResource(group, resource)} \"{name}\": {detail}", name, NullIfEmpty(group), resource);

    public static ApiException StaleConflict(string group, string resource, string name) =>
        Conflict(group, resource, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Gone(string message, string? continueToken = null) => new(410, "Expired", message, continueToken: continueToken);

    public static ApiException MethodNotSupported(string group, string resource, string verb) =>
        new(405, "MethodNotAllowed", $"{verb} is not supported on resources of kind \"{GroupResource(group, resource)}\"", kind: resource, group: NullIfEmpty(group));

    public static ApiException Forbidden(string group, string resource, string name, string detail, IReadOnlyList<StatusCause>? causes = null) =>
        new(403, "Forbidden", $"{GroupResource(group, resource)} \"{name}\" is forbidden: {detail}", name, NullIfEmpty(group), resource, causes);

    public static ApiException Timeout(string message, int retryAfterSeconds, IReadOnlyList<StatusCause>? causes = null) =>
        new(504, "Timeout", $"Timeout: {message}", causes: causes, retryAfterSeconds: retryAfterSeconds);

    /// <summary>422 Invalid: "Kind[.group] "name" is invalid: e1" or "[e1, e2]".</summary>
    public static ApiException Invalid(string group, string kind, string name, IReadOnlyList<FieldError> errors)
    {
        var qualified = group.Length == 0 ? kind : $"{kind}.{group}";
        var rendered = errors.Select(e => e.ToString()).ToList();
        var summary = rendered.Count == 1 ? rendered[0] : $"[{string.Join(", ", rendered)}]";
        var causes = errors.Select(e => new StatusCause(e.Reason, e.CauseMessage, e.Field)).ToList();
        return new ApiException(422, "Invalid", $"{qualified} \"{name}\" is invalid: {summary}", name, NullIfEmpty(group), kind, causes);
    }

    public JsonObject ToStatus()
    {
        var details = new JsonObject();
        if (Name is not null)
        {
            details["name"] = Name;
        }

        if (Group is not null)
        {
            details["group"] = Group;
        }

        if (Kind is not null)
        {
            details["kind"] = Kind;
        }

        if (Causes.Count > 0)
        {
            var causes = new JsonArray();
            foreach (var c in Causes)
            {
                var cause = new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message };
                if (c.Field is not null)
                {
                    cause["field"] = c.Field;
                }

                causes.Add(cause);
            }

            details["causes"] = causes;
        }

        if (RetryAfterSeconds is { } retry)
        {
            details["retryAfterSeconds"] = retry;
        }

        var metadata = new JsonObject();
        if (ContinueToken is not null)
        {
            metadata["continue"] = ContinueToken;
        }

        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = metadata,
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (details.Count > 0)
        {
            status["details"] = details;
        }

        status["code"] = Code;
        return status;
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
