namespace Shim.Api.Validation.Kinds;

/// <summary>Go's time.ParseDuration syntax check ("1h30m", "90s", "1.5h"), with its error texts.</summary>
public static class GoDuration
{
    private static readonly string[] Units = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"];

    /// <summary>Null when valid, else Go's error text.</summary>
    public static string? ParseError(string text)
    {
        var quoted = "\"" + text + "\"";
        var s = text;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            s = s[1..];
        }

        if (s == "0")
        {
            return null;
        }

        if (s.Length == 0)
        {
            return $"time: invalid duration {quoted}";
        }

        while (s.Length > 0)
        {
            var i = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var whole = i;
            var frac = 0;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                var start = i;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }

                frac = i - start;
            }

            if (whole == 0 && frac == 0)
            {
                return $"time: invalid duration {quoted}";
            }

            s = s[i..];
            var u = 0;
            while (u < s.Length && s[u] != '.' && !char.IsAsciiDigit(s[u]))
            {
                u++;
            }

            if (u == 0)
            {
                return $"time: missing unit in duration {quoted}";
            }

            var unit = s[..u];
            if (!Units.Contains(unit))
            {
                return $"time: unknown unit \"{unit}\" in duration {quoted}";
            }

            s = s[u..];
        }

        return null;
    }
}
