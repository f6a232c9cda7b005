using System.Globalization;
using Shim.Model;

namespace Shim.Controllers.StatefulSet;

/// <summary>An int-or-percent field (maxUnavailable, maxSurge) resolved against a total, as intstr.GetScaledValueFromIntOrPercent.</summary>
internal static class ScaledValue
{
    public static int Resolve(IntOrString? value, int total, bool roundUp, int fallback)
    {
        if (value is not { } v)
        {
            return fallback;
        }

        if (v.IsInt)
        {
            return v.IntValue;
        }

        var text = v.StringValue;
        if (!text.EndsWith('%') || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var percent))
        {
            return fallback;
        }

        var scaled = percent * (double)total / 100;
        return (int)(roundUp ? Math.Ceiling(scaled) : Math.Floor(scaled));
    }
}
