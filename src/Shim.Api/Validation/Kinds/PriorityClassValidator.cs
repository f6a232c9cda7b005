using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>scheduling.k8s.io/v1 PriorityClass: reserved system names, value bound, immutable value and preemptionPolicy.</summary>
public static class PriorityClassValidator
{
    private const long HighestUserDefinablePriority = 1_000_000_000;

    private static readonly Dictionary<string, long> SystemClasses = new(StringComparer.Ordinal)
    {
        ["system-node-critical"] = 2_000_001_000,
        ["system-cluster-critical"] = 2_000_000_000,
    };

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var value = obj.Num("value") ?? 0;
        if (old is not null)
        {
            if (value != (old.Num("value") ?? 0))
            {
                errors.Add(Err.Forbidden("value", "may not be changed in an update."));
            }

            var policy = obj.TextOrNull("preemptionPolicy") ?? "PreemptLowerPriority";
            if (policy != (old.TextOrNull("preemptionPolicy") ?? "PreemptLowerPriority"))
            {
                errors.Add(Err.ImmutableField("preemptionPolicy", policy));
            }

            return errors;
        }

        var name = obj.Obj("metadata").Text("name");
        if (name.StartsWith("system-", StringComparison.Ordinal))
        {
            string? problem = null;
            if (!SystemClasses.TryGetValue(name, out var expected))
            {
                problem = $"{name} is not a known system priority class";
            }
            else if (value != expected)
            {
                problem = $"value of {name} PriorityClass must be {expected}";
            }
            else if (obj.Flag("globalDefault"))
            {
                problem = $"globalDefault of {name} PriorityClass must be false";
            }

            if (problem is not null)
            {
                errors.Add(Err.Forbidden("metadata.name", "priority class names with 'system-' prefix are reserved for system use only. error: " + problem));
            }
        }
        else if (value > HighestUserDefinablePriority)
        {
            errors.Add(Err.Forbidden("value", $"maximum allowed value of a user defined priority is {HighestUserDefinablePriority}"));
        }

        if (obj.TextOrNull("preemptionPolicy") is { } preemption && preemption is not ("PreemptLowerPriority" or "Never"))
        {
            errors.Add(preemption.Length == 0
                ? Err.Required("preemptionPolicy")
                : Err.NotSupported("preemptionPolicy", preemption, "PreemptLowerPriority", "Never"));
        }

        return errors;
    }
}
