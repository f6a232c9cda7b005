using Shim.Api.Protobuf;
using Xunit;

namespace Shim.Api.Tests.Protobuf;

public sealed class GoFormatTests
{
    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(1L, "1ns")]
    [InlineData(1_500L, "1.5µs")]
    [InlineData(1_000_000L, "1ms")]
    [InlineData(300_000_000L, "300ms")]
    [InlineData(1_500_000_000L, "1.5s")]
    [InlineData(90_000_000_000L, "1m30s")]
    [InlineData(3_600_000_000_000L, "1h0m0s")]
    [InlineData(259_380_500_000_000L, "72h3m0.5s")]
    [InlineData(-60_000_000_000L, "-1m0s")]
    [InlineData(long.MinValue, "-2562047h47m16.854775808s")]
    [InlineData(long.MaxValue, "2562047h47m16.854775807s")]
    public void DurationMatchesGo(long nanoseconds, string expected) => Assert.Equal(expected, GoFormat.Duration(nanoseconds));

    [Fact]
    public void Times()
    {
        Assert.Equal("2024-05-01T10:00:00Z", GoFormat.Time(1714557600));
        Assert.Equal("0001-01-01T00:00:00Z", GoFormat.Time(GoFormat.ZeroTimeUnixSeconds));
        Assert.Equal("2024-05-01T10:00:00.123456Z", GoFormat.MicroTime(1714557600, 123_456_789));
        Assert.Equal("2024-05-01T10:00:00.000000Z", GoFormat.MicroTime(1714557600, 0));
        Assert.Null(GoFormat.Time(253402300800));
    }
}
