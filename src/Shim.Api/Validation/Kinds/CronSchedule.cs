using System.Globalization;
using System.Text;

namespace Shim.Api.Validation.Kinds;

/// <summary>
/// The standard cron syntax CronJobs accept (robfig/cron ParseStandard): five fields with ranges, steps, lists
/// and month/weekday names, or descriptors such as @hourly and "@every 1h30m"; errors carry the parser's texts.
/// </summary>
public static class CronSchedule
{
    private sealed record Bounds(int Min, int Max, Dictionary<string, int>? Names);

    private static readonly Bounds Minutes = new(0, 59, null);
    private static readonly Bounds Hours = new(0, 23, null);
    private static readonly Bounds DaysOfMonth = new(1, 31, null);

    private static readonly Bounds Months = new(1, 12, new Dictionary<string, int>
    {
        ["jan"] = 1, ["feb"] = 2, ["mar"] = 3, ["apr"] = 4, ["may"] = 5, ["jun"] = 6,
        ["jul"] = 7, ["aug"] = 8, ["sep"] = 9, ["oct"] = 10, ["nov"] = 11, ["dec"] = 12,
    });

    private static readonly Bounds DaysOfWeek = new(0, 6, new Dictionary<string, int>
    {
        ["sun"] = 0, ["mon"] = 1, ["tue"] = 2, ["wed"] = 3, ["thu"] = 4, ["fri"] = 5, ["sat"] = 6,
    });

    private static readonly HashSet<string> Descriptors = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

    /// <summary>Null when the schedule parses, else the parser's error text.</summary>
    public static string? Parse(string spec)
    {
        if (spec.Length == 0)
        {
            return "empty spec string";
        }

        if (spec.StartsWith("TZ=", StringComparison.Ordinal) || spec.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            var space = spec.IndexOf(' ');
            var eq = spec.IndexOf('=');
            var zone = space < 0 ? spec[(eq + 1)..] : spec[(eq + 1)..space];
            if (TimeZones.LoadError(zone) is { } zoneError)
            {
                return $"provided bad location {zone}: {zoneError}";
            }

            spec = space < 0 ? "" : spec[space..].Trim();
        }

        if (spec.StartsWith('@'))
        {
            return ParseDescriptor(spec);
        }

        var fields = spec.Split([' ', '\t', '\n', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            return $"expected exactly 5 fields, found {fields.Length}: [{string.Join(" ", fields)}]";
        }

        Bounds[] bounds = [Minutes, Hours, DaysOfMonth, Months, DaysOfWeek];
        for (var i = 0; i < 5; i++)
        {
            foreach (var expr in fields[i].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (ParseRange(expr, bounds[i]) is { } error)
                {
                    return error;
                }
            }
        }

        return null;
    }

    private static string? ParseDescriptor(string descriptor)
    {
        if (Descriptors.Contains(descriptor))
        {
            return null;
        }

        const string every = "@every ";
        if (descriptor.StartsWith(every, StringComparison.Ordinal))
        {
            var error = GoDuration.ParseError(descriptor[every.Length..]);
            return error is null ? null : $"failed to parse duration {descriptor}: {error}";
        }

        return $"unrecognized descriptor: {descriptor}";
    }

    private static string? ParseRange(string expr, Bounds r)
    {
        var rangeAndStep = expr.Split('/');
        var lowAndHigh = rangeAndStep[0].Split('-');
        var single = lowAndHigh.Length == 1;
        long start, end, step;
        if (lowAndHigh[0] is "*" or "?")
        {
            start = r.Min;
            end = r.Max;
        }
        else
        {
            if (IntOrName(lowAndHigh[0], r, out start) is { } e1)
            {
                return e1;
            }

            switch (lowAndHigh.Length)
            {
                case 1:
                    end = start;
                    break;
                case 2:
                    if (IntOrName(lowAndHigh[1], r, out end) is { } e2)
                    {
                        return e2;
                    }

                    break;
                default:
                    return $"too many hyphens: {expr}";
            }
        }

        switch (rangeAndStep.Length)
        {
            case 1:
                step = 1;
                break;
            case 2:
                if (Int(rangeAndStep[1], out step) is { } e3)
                {
                    return e3;
                }

                if (single)
                {
                    end = r.Max;
                }

                break;
            default:
                return $"too many slashes: {expr}";
        }

        if (start < r.Min)
        {
            return $"beginning of range ({start}) below minimum ({r.Min}): {expr}";
        }

        if (end > r.Max)
        {
            return $"end of range ({end}) above maximum ({r.Max}): {expr}";
        }

        if (start > end)
        {
            return $"beginning of range ({start}) beyond end of range ({end}): {expr}";
        }

        return step == 0 ? $"step of range should be a positive number: {expr}" : null;
    }

    private static string? IntOrName(string expr, Bounds r, out long value)
    {
        if (r.Names is not null && r.Names.TryGetValue(expr.ToLowerInvariant(), out var named))
        {
            value = named;
            return null;
        }

        return Int(expr, out value);
    }

    private static string? Int(string expr, out long value)
    {
        value = 0;
        var digits = expr.StartsWith('+') || expr.StartsWith('-') ? expr[1..] : expr;
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return $"failed to parse int from {expr}: strconv.Atoi: parsing {Quote(expr)}: invalid syntax";
        }

        if (!long.TryParse(expr, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) || value > int.MaxValue || value < int.MinValue)
        {
            return $"failed to parse int from {expr}: strconv.Atoi: parsing {Quote(expr)}: value out of range";
        }

        return value < 0 ? $"negative number ({value}) not allowed: {expr}" : null;
    }

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }
}
