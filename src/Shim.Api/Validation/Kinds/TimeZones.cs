namespace Shim.Api.Validation.Kinds;

/// <summary>IANA time zone lookups the way Go's time.LoadLocation answers them.</summary>
public static class TimeZones
{
    /// <summary>Null when the zone loads, else Go's error text ("unknown time zone X").</summary>
    public static string? LoadError(string zone)
    {
        if (zone is "" or "UTC")
        {
            return null;
        }

        if (zone == "Local")
        {
            return null;
        }

        try
        {
            if (OperatingSystem.IsWindows() || !Directory.Exists("/usr/share/zoneinfo"))
            {
                TimeZoneInfo.FindSystemTimeZoneById(zone);
                return null;
            }

            var file = Path.Combine("/usr/share/zoneinfo", zone);
            if (zone.Contains("..", StringComparison.Ordinal) || !File.Exists(file))
            {
                return $"unknown time zone {zone}";
            }

            TimeZoneInfo.FindSystemTimeZoneById(zone);
            return null;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return $"unknown time zone {zone}";
        }
    }
}
