using Shim.Controllers.CronJob;

namespace Shim.Controllers.Tests.CronJob;

public sealed class CronScheduleTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset? Next(string schedule, string after, TimeZoneInfo? zone = null) =>
        CronSchedule.Parse(schedule).Next(Utc(after), zone ?? TimeZoneInfo.Utc);

    [Theory]
    [InlineData("* * * * *", "2025-01-01T10:00:30Z", "2025-01-01T10:01:00Z")]
    [InlineData("0 * * * *", "2025-01-01T10:00:00Z", "2025-01-01T11:00:00Z")]
    [InlineData("*/15 9-17 * * mon-fri", "2025-01-03T17:50:00Z", "2025-01-06T09:00:00Z")]
    [InlineData("5,10-20/5 3 * jan,JUL *", "2025-01-31T03:20:00Z", "2025-07-01T03:05:00Z")]
    [InlineData("0 12 29 2 *", "2025-01-01T00:00:00Z", "2028-02-29T12:00:00Z")]
    [InlineData("30 4 1/10 * *", "2025-01-01T05:00:00Z", "2025-01-11T04:30:00Z")]
    [InlineData("@hourly", "2025-01-01T10:20:00Z", "2025-01-01T11:00:00Z")]
    [InlineData("@weekly", "2025-01-01T00:00:00Z", "2025-01-05T00:00:00Z")]
    [InlineData("@yearly", "2025-03-01T00:00:00Z", "2026-01-01T00:00:00Z")]
    public void Next_finds_the_first_matching_minute_after_a_time(string schedule, string after, string expected) =>
        Assert.Equal(Utc(expected), Next(schedule, after));

    [Fact]
    public void Day_of_month_and_day_of_week_match_either_when_both_are_restricted()
    {
        // 10th or 12th of the month, or any Sunday: Friday the 10th comes first.
        Assert.Equal(Utc("2025-01-10T00:00:00Z"), Next("0 0 10-12/2 * sun", "2025-01-06T00:00:00Z"));

        // 13th or Friday: Friday the 3rd.
        Assert.Equal(Utc("2025-01-03T00:00:00Z"), Next("0 0 13 * 5", "2025-01-01T00:00:00Z"));

        // A "*" day of month leaves only the weekday.
        Assert.Equal(Utc("2025-01-12T00:00:00Z"), Next("0 0 * * sun", "2025-01-06T00:00:00Z"));

        // A "*" weekday leaves only the day of month.
        Assert.Equal(Utc("2025-01-13T00:00:00Z"), Next("0 0 13 * *", "2025-01-01T00:00:00Z"));

        // "*/2" restricts the field (odd days), so it is an either-or with Tuesday: the 3rd comes before Tuesday the 7th.
        Assert.Equal(Utc("2025-01-03T00:00:00Z"), Next("0 0 */2 * tue", "2025-01-01T12:00:00Z"));
    }

    [Fact]
    public void A_time_zone_keeps_the_wall_clock_time_across_daylight_saving_changes()
    {
        // 09:00 in New York is 14:00 UTC in winter and 13:00 UTC once clocks moved forward (9 March 2025).
        Assert.Equal(Utc("2025-03-07T14:00:00Z"), Next("0 9 * * *", "2025-03-07T00:00:00Z", NewYork));
        Assert.Equal(Utc("2025-03-09T13:00:00Z"), Next("0 9 * * *", "2025-03-08T15:00:00Z", NewYork));
    }

    [Fact]
    public void A_wall_clock_time_skipped_by_daylight_saving_does_not_run_that_day()
    {
        // 02:30 does not exist in New York on 9 March 2025: after 8 March it runs on 10 March (EDT).
        Assert.Equal(Utc("2025-03-08T07:30:00Z"), Next("30 2 * * *", "2025-03-08T05:00:00Z", NewYork));
        Assert.Equal(Utc("2025-03-10T06:30:00Z"), Next("30 2 * * *", "2025-03-08T08:00:00Z", NewYork));
    }

    [Theory]
    [InlineData("")]
    [InlineData("* * * *")]
    [InlineData("* * * * * *")]
    [InlineData("60 * * * *")]
    [InlineData("* 24 * * *")]
    [InlineData("* * 0 * *")]
    [InlineData("* * * 13 *")]
    [InlineData("* * * * 7")]
    [InlineData("5-1 * * * *")]
    [InlineData("*/0 * * * *")]
    [InlineData("@every 5m")]
    [InlineData("CRON_TZ=UTC 0 * * * *")]
    [InlineData("TZ=UTC 0 * * * *")]
    [InlineData("* * * foo *")]
    public void Invalid_schedules_are_rejected(string schedule) =>
        Assert.False(CronSchedule.TryParse(schedule, out _, out _));
}
