using System.Globalization;
using Microsoft.AspNetCore.Http;
using Shim.Api.Errors;
using Shim.Api.Resources;
using Shim.Api.Selectors;
using Shim.Api.Watch;

namespace Shim.Api.Http;

/// <summary>The query parameters of LIST and WATCH, parsed and checked for the combinations upstream rejects.</summary>
public sealed record ListOptions(
    ObjectFilter Filter,
    string? ResourceVersion,
    string? ResourceVersionMatch,
    long Limit,
    string? Continue,
    bool Watch,
    bool AllowBookmarks,
    bool SendInitialEvents,
    TimeSpan? Timeout)
{
    public static ListOptions Parse(HttpRequest request, ResourceDefinition definition, string? ns)
    {
        var q = request.Query;
        var labels = LabelSelector.Parse(q["labelSelector"]);
        var fields = FieldSelector.Parse(q["fieldSelector"]);
        foreach (var r in fields.Requirements)
        {
            if (r.Field is "metadata.name" || (r.Field == "metadata.namespace" && definition.Namespaced) || definition.FieldLabels.ContainsKey(r.Field))
            {
                continue;
            }

            throw ApiException.BadRequest(definition.FieldLabels.Count > 0
                ? $"field label not supported: {r.Field}"
                : $"\"{r.Field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
        }

        var watch = q["watch"].ToString() is "true" or "1";
        var rv = NullIfEmpty(q["resourceVersion"]);
        var match = NullIfEmpty(q["resourceVersionMatch"]);
        var cont = NullIfEmpty(q["continue"]);
        var sendInitial = q["sendInitialEvents"].ToString() is "true" or "1";
        var hasSendInitial = !string.IsNullOrEmpty(q["sendInitialEvents"]);
        long limit = 0;
        if (!string.IsNullOrEmpty(q["limit"]) && (!long.TryParse(q["limit"], NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 0))
        {
            throw ApiException.BadRequest($"invalid value for limit: {q["limit"]}");
        }

        TimeSpan? timeout = null;
        if (!string.IsNullOrEmpty(q["timeoutSeconds"]))
        {
            if (!long.TryParse(q["timeoutSeconds"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
            {
                throw ApiException.BadRequest($"invalid value for timeoutSeconds: {q["timeoutSeconds"]}");
            }

            timeout = seconds == 0 ? null : TimeSpan.FromSeconds(seconds);
        }

        if (rv is not null && rv != "0" && !long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw ApiException.BadRequest($"invalid resource version: {rv}");
        }

        var errors = new List<FieldError>();
        if (watch)
        {
            if (hasSendInitial && sendInitial && match != "NotOlderThan")
            {
                errors.Add(FieldError.Forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
            }
            else if (match is not null && !hasSendInitial)
            {
                errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
            }
            else if (match is not null && match != "NotOlderThan")
            {
                errors.Add(FieldError.NotSupported("resourceVersionMatch", match, ["NotOlderThan"]));
            }
        }
        else
        {
            if (hasSendInitial)
            {
                errors.Add(FieldError.Forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
            }

            if (match is not null)
            {
                if (match is not ("NotOlderThan" or "Exact"))
                {
                    errors.Add(FieldError.NotSupported("resourceVersionMatch", match, ["Exact", "NotOlderThan", ""]));
                }
                else if (rv is null)
                {
                    errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
                }
                else if (match == "Exact" && rv == "0")
                {
                    errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
                }
                else if (cont is not null)
                {
                    errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new ApiException(422, "Invalid", $"ListOptions.meta.k8s.io \"\" is invalid: {(errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors) + "]")}",
                "", "meta.k8s.io", "ListOptions", errors.Select(e => new StatusCause(e.Reason, e.CauseMessage, e.Field)).ToList());
        }

        if (cont is not null && rv is not null && rv != "0")
        {
            throw ApiException.BadRequest("specifying resource version is not allowed when using continue");
        }

        return new ListOptions(new ObjectFilter(definition, ns, labels, fields), rv, match, limit, cont, watch,
            q["allowWatchBookmarks"].ToString() is "true" or "1", sendInitial, timeout);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
