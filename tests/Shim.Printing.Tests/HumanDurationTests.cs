namespace Shim.Printing.Tests;

public class HumanDurationTests
{
    [Theory]
    [InlineData(-2.0, "<invalid>")]
    [InlineData(-1.9, "0s")]
    [InlineData(-1.0, "0s")]
    [InlineData(-0.5, "0s")]
    [InlineData(0.0, "0s")]
    [InlineData(0.9, "0s")]
    [InlineData(1.0, "1s")]
    [InlineData(119.9, "119s")]
    [InlineData(120.0, "2m")]
    [InlineData(125.0, "2m5s")]
    [InlineData(599.0, "9m59s")]
    [InlineData(600.0, "10m")]
    [InlineData(659.0, "10m")]
    [InlineData(3 * 3600 - 1.0, "179m")]
    [InlineData(3 * 3600.0, "3h")]
    [InlineData(3 * 3600 + 5 * 60 + 59.0, "3h5m")]
    [InlineData(8 * 3600 - 1.0, "7h59m")]
    [InlineData(8 * 3600.0, "8h")]
    [InlineData(48 * 3600 - 1.0, "47h")]
    [InlineData(48 * 3600.0, "2d")]
    [InlineData(49 * 3600.0, "2d1h")]
    [InlineData(8 * 86400 - 1.0, "7d23h")]
    [InlineData(8 * 86400.0, "8d")]
    [InlineData(2 * 365 * 86400 - 1.0, "729d")]
    [InlineData(2 * 365 * 86400.0, "2y")]
    [InlineData(2 * 365 * 86400 + 86400.0, "2y1d")]
    [InlineData(8 * 365 * 86400 - 1.0, "7y364d")]
    [InlineData(8 * 365 * 86400.0, "8y")]
    [InlineData(10 * 365 * 86400 + 200 * 86400.0, "10y")]
    public void Format_follows_the_upstream_precision_steps(double seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Since_reports_unknown_for_unset_or_zero_timestamps()
    {
        Assert.Equal("<unknown>", HumanDuration.Since((DateTimeOffset?)null, Fixtures.Now));
        Assert.Equal("<unknown>", HumanDuration.Since((string?)null, Fixtures.Now));
        Assert.Equal("<unknown>", HumanDuration.Since("0001-01-01T00:00:00Z", Fixtures.Now));
        Assert.Equal("<unknown>", HumanDuration.Since("not a time", Fixtures.Now));
    }

    [Fact]
    public void Since_measures_from_the_given_clock()
    {
        Assert.Equal("5m", HumanDuration.Since(Fixtures.Ago(300), Fixtures.Now));
        Assert.Equal("<invalid>", HumanDuration.Since("2024-05-01T12:00:05Z", Fixtures.Now));
        // Offsets other than Z are honoured.
        Assert.Equal("3h", HumanDuration.Since("2024-05-01T11:00:00+02:00", Fixtures.Now));
    }

    [Fact]
    public void Age_cell_is_unknown_without_creation_timestamp()
    {
        var cells = Fixtures.Cells("", "ConfigMap", Fixtures.Obj("{'metadata':{'name':'c'}}"));
        Assert.Equal("<unknown>", cells[2]);
    }
}
