using Shim.Controllers.Job;

namespace Shim.Controllers.Tests.Job;

public sealed class CompletionIndexesTests
{
    [Theory]
    [InlineData(new int[0], "")]
    [InlineData(new[] { 0 }, "0")]
    [InlineData(new[] { 0, 1, 2, 4 }, "0-2,4")]
    [InlineData(new[] { 7, 1, 3, 2, 9, 8 }, "1-3,7-9")]
    public void Indexes_are_written_as_ascending_ranges(int[] indexes, string expected) =>
        Assert.Equal(expected, CompletionIndexes.Format(indexes));

    [Fact]
    public void Reading_drops_indexes_outside_the_completions() =>
        Assert.Equal([0, 1, 2, 4], CompletionIndexes.Parse("0-2,4,6-8", 5));
}
