using System.Globalization;

namespace Shim.Controllers.CronJob;

/// <summary>
/// A standard 5-field cron schedule (minute hour day-of-month month day-of-week) as upstream parses it (robfig/cron's
/// standard parser): lists, ranges, steps, "*" and "?", month and weekday names, and the @yearly/@annually/@monthly/
/// @weekly/@daily/@midnight/@hourly macros. When both day fields are restricted a day matching either runs; when one
/// of them starts with "*" (without a step) both must match. <see cref="Next"/> walks wall-clock time in the zone, so
/// a time skipped by a DST jump does not run that day.
/// </summary>
public sealed class CronSchedule
{
    private static readonly string[] MonthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    private readonly ulong _minutes;
    private readonly ulong _hours;
    private readonly ulong _daysOfMonth;
    private readonly ulong _months;
    private readonly ulong _daysOfWeek;
    private readonly bool _anyDayOfMonth;
    private readonly bool _anyDayOfWeek;

    private CronSchedule(ulong minutes, ulong hours, Field daysOfMonth, ulong months, Field daysOfWeek)
    {
        _minutes = minutes;
        _hours = hours;
        _daysOfMonth = daysOfMonth.Bits;
        _months = months;
        _daysOfWeek = daysOfWeek.Bits;
        _anyDayOfMonth = daysOfMonth.Star;
        _anyDayOfWeek = daysOfWeek.Star;
    }

    public static bool TryParse(string? text, out CronSchedule? schedule, out string error)
    {
        schedule = null;
        try
        {
            schedule = Parse(text);
            error = "";
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <exception cref="FormatException">The schedule is not a valid standard cron expression.</exception>
    public static CronSchedule Parse(string? text)
    {
        var spec = (text ?? "").Trim();
        if (spec.Length == 0)
        {
            throw new FormatException("empty spec string");
        }

        if (spec.StartsWith('@'))
        {
            spec = spec.ToLowerInvariant() switch
            {
                "@yearly" or "@annually" => "0 0 1 1 *",
                "@monthly" => "0 0 1 * *",
                "@weekly" => "0 0 * * 0",
                "@daily" or "@midnight" => "0 0 * * *",
                "@hourly" => "0 * * * *",
                _ => throw new FormatException($"unrecognized descriptor: {spec}"),
            };
        }

        var fields = spec.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            throw new FormatException($"expected exactly 5 fields, found {fields.Length}: {spec}");
        }

        return new CronSchedule(
            ParseField(fields[0], 0, 59, null).Bits,
            ParseField(fields[1], 0, 23, null).Bits,
            ParseField(fields[2], 1, 31, null),
            ParseField(fields[3], 1, 12, MonthNames).Bits,
            ParseField(fields[4], 0, 6, DayNames));
    }

    /// <summary>The first scheduled time strictly after <paramref name="after"/>, read in <paramref name="zone"/>; null if none within 5 years.</summary>
    public DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);

        // Start at the next whole second, then move field by field from the largest, as robfig/cron does; resetting
        // the smaller fields once a larger one moved.
        var t = In(after.AddTicks(-(after.UtcTicks % TimeSpan.TicksPerSecond)).AddSeconds(1), zone);
        var reset = false;
        var yearLimit = t.Year + 5;

    wrap:
        if (t.Year > yearLimit)
        {
            return null;
        }

        while (!Has(_months, t.Month))
        {
            if (!reset)
            {
                reset = true;
                t = Local(t.Year, t.Month, 1, 0, 0, zone);
            }

            var next = t.DateTime.AddMonths(1);
            t = Local(next.Year, next.Month, next.Day, next.Hour, next.Minute, zone);
            if (t.Month == 1)
            {
                goto wrap;
            }
        }

        while (!DayMatches(t))
        {
            if (!reset)
            {
                reset = true;
                t = Local(t.Year, t.Month, t.Day, 0, 0, zone);
            }

            var next = t.DateTime.AddDays(1);
            t = Local(next.Year, next.Month, next.Day, next.Hour, next.Minute, zone);

            // A DST change may have moved midnight: step back onto it.
            if (t.Hour != 0)
            {
                t = In(t.Hour > 12 ? t.AddHours(24 - t.Hour) : t.AddHours(-t.Hour), zone);
            }

            if (t.Day == 1)
            {
                goto wrap;
            }
        }

        while (!Has(_hours, t.Hour))
        {
            if (!reset)
            {
                reset = true;
                t = Local(t.Year, t.Month, t.Day, t.Hour, 0, zone);
            }

            t = In(t.AddHours(1), zone);
            if (t.Hour == 0)
            {
                goto wrap;
            }
        }

        while (!Has(_minutes, t.Minute))
        {
            if (!reset)
            {
                reset = true;
                t = In(t.AddTicks(-(t.UtcTicks % TimeSpan.TicksPerMinute)), zone);
            }

            t = In(t.AddMinutes(1), zone);
            if (t.Minute == 0)
            {
                goto wrap;
            }
        }

        // Standard schedules run at second 0: move to the next minute and check every field again.
        if (t.Second != 0)
        {
            reset = true;
            t = In(t.AddSeconds(60 - t.Second), zone);
            goto wrap;
        }

        return t.ToUniversalTime();
    }

    private bool DayMatches(DateTimeOffset t)
    {
        var dom = Has(_daysOfMonth, t.Day);
        var dow = Has(_daysOfWeek, (int)t.DayOfWeek);
        return _anyDayOfMonth || _anyDayOfWeek ? dom && dow : dom || dow;
    }

    private static bool Has(ulong bits, int value) => (bits & (1UL << value)) != 0;

    private static DateTimeOffset In(DateTimeOffset instant, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(instant, zone);

    /// <summary>
    /// A wall-clock time in the zone, resolved as Go's time.Date does: the offset in force at that reading taken as
    /// UTC, corrected once; so an ambiguous time is its first occurrence and a skipped one lands next to the gap.
    /// </summary>
    private static DateTimeOffset Local(int year, int month, int day, int hour, int minute, TimeZoneInfo zone)
    {
        var wall = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        var guess = zone.GetUtcOffset(new DateTimeOffset(wall, TimeSpan.Zero));
        var utc = new DateTimeOffset(wall - guess, TimeSpan.Zero);
        var actual = zone.GetUtcOffset(utc);
        return In(new DateTimeOffset(wall - actual, TimeSpan.Zero), zone);
    }

    private static Field ParseField(string field, int min, int max, string[]? names)
    {
        var result = default(Field);
        foreach (var part in field.Split(','))
        {
            var range = ParseRange(part, min, max, names);
            result = new Field(result.Bits | range.Bits, result.Star || range.Star);
        }

        return result;
    }

    private static Field ParseRange(string expression, int min, int max, string[]? names)
    {
        var slash = expression.Split('/');
        if (slash.Length > 2)
        {
            throw new FormatException($"too many slashes: {expression}");
        }

        var bounds = slash[0].Split('-');
        if (bounds.Length > 2)
        {
            throw new FormatException($"too many hyphens: {expression}");
        }

        int start, end;
        var star = false;
        if (bounds[0] is "*" or "?")
        {
            if (bounds.Length > 1)
            {
                throw new FormatException($"too many hyphens: {expression}");
            }

            (start, end, star) = (min, max, true);
        }
        else
        {
            start = Value(bounds[0], names, min);
            end = bounds.Length == 2 ? Value(bounds[1], names, min) : start;
        }

        var step = 1;
        if (slash.Length == 2)
        {
            step = Value(slash[1], null, 0);
            if (step <= 0)
            {
                throw new FormatException($"step of range should be a positive number: {expression}");
            }

            // "N/step" means N through the maximum.
            if (bounds.Length == 1 && !star)
            {
                end = max;
            }

            // A stepped "*" restricts the field, so it no longer counts as "any" for the day-of-month/week rule.
            if (step > 1)
            {
                star = false;
            }
        }

        if (start < min)
        {
            throw new FormatException($"beginning of range ({start}) below minimum ({min}): {expression}");
        }

        if (end > max)
        {
            throw new FormatException($"end of range ({end}) above maximum ({max}): {expression}");
        }

        if (start > end)
        {
            throw new FormatException($"beginning of range ({start}) beyond end of range ({end}): {expression}");
        }

        var bits = 0UL;
        for (var i = start; i <= end; i += step)
        {
            bits |= 1UL << i;
        }

        return new Field(bits, star);
    }

    private static int Value(string text, string[]? names, int firstNameValue)
    {
        if (names is not null)
        {
            var index = Array.IndexOf(names, text.ToLowerInvariant());
            if (index >= 0)
            {
                return index + firstNameValue;
            }
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"failed to parse int from {text}");
        }

        return value;
    }

    private readonly record struct Field(ulong Bits, bool Star);
}
