using System.Text;

namespace Shim.Agent.Pods.Inputs;

/// <summary>
/// Kubernetes' $(VAR) syntax for env values, command, args and subPathExpr: <c>$(NAME)</c> is replaced by the mapping's
/// value, <c>$$</c> is an escaped <c>$</c>, anything else (an unknown name, an unclosed <c>$(</c>) is kept as written.
/// </summary>
internal static class VariableExpansion
{
    /// <summary>Expands <paramref name="input"/>; <paramref name="lookup"/> returns null for a name it does not know.</summary>
    public static string Expand(string input, Func<string, string?> lookup)
    {
        if (!input.Contains('$', StringComparison.Ordinal))
        {
            return input;
        }

        var output = new StringBuilder(input.Length);
        var i = 0;
        while (i < input.Length)
        {
            var c = input[i];
            // A trailing '$' has nothing to operate on and is kept.
            if (c != '$' || i + 1 == input.Length)
            {
                output.Append(c);
                i++;
                continue;
            }

            var next = input[i + 1];
            if (next == '$')
            {
                output.Append('$');
                i += 2;
            }
            else if (next == '(' && input.IndexOf(')', i + 2) is var close && close >= 0)
            {
                var name = input[(i + 2)..close];
                output.Append(lookup(name) ?? "$(" + name + ")");
                i = close + 1;
            }
            else
            {
                // "$(" without a closer, or "$x": both characters are copied and scanning resumes after them.
                output.Append(c).Append(next);
                i += 2;
            }
        }

        return output.ToString();
    }

    /// <summary>A lookup over "NAME=value" entries, later entries winning like a process environment.</summary>
    public static Func<string, string?> LookupFor(IEnumerable<string> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in environment)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[entry[..equals]] = entry[(equals + 1)..];
            }
        }

        return name => values.GetValueOrDefault(name);
    }
}
