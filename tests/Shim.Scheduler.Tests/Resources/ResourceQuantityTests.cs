using Shim.Scheduler.Resources;

namespace Shim.Scheduler.Tests.Resources;

public class ResourceQuantityTests
{
    [Theory]
    [InlineData("500m", 500)]
    [InlineData("2", 2000)]
    [InlineData("0.5", 500)]
    [InlineData("1.5", 1500)]
    [InlineData("100u", 1)] // rounded up, as MilliValue()
    [InlineData("1e3", 1_000_000)]
    public void CpuIsReadInMillicores(string text, long expected) => Assert.Equal(expected, ResourceQuantity.ToMilliUnits(text));

    [Theory]
    [InlineData("1Gi", 1L << 30)]
    [InlineData("1.5Gi", 3L << 29)]
    [InlineData("100Mi", 100L << 20)]
    [InlineData("128974848", 128974848)]
    [InlineData("129e6", 129_000_000)]
    [InlineData("129M", 129_000_000)]
    [InlineData("1k", 1000)]
    [InlineData("1Ki", 1024)]
    [InlineData("2E", 2_000_000_000_000_000_000)]
    [InlineData("0.1", 1)] // rounded up, as Value()
    public void OtherResourcesAreReadInUnits(string text, long expected) => Assert.Equal(expected, ResourceQuantity.ToUnits(text));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1Xi")]
    public void GarbageIsNotAQuantity(string text) => Assert.False(ResourceQuantity.TryParse(text, out _));
}
