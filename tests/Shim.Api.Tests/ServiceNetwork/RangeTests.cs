using System.Net;
using Shim.Api.ServiceNetwork;
using Xunit;

namespace Shim.Api.Tests.ServiceNetwork;

/// <summary>Range arithmetic with upstream's reserved addresses and static bands.</summary>
public sealed class RangeTests
{
    [Fact]
    public void DefaultServiceRange()
    {
        var range = ServiceIpRange.Parse("10.96.0.0/12");
        Assert.Equal("10.96.0.0/12", range.Cidr);
        Assert.Equal((1L << 20) - 2, range.Size);
        Assert.Equal(256, range.Offset);
        Assert.Equal("10.96.0.1", range.First.ToString());
        Assert.Equal("10.96.0.10", range.NthAddress(10).ToString());
        Assert.Null(range.IndexOf(IPAddress.Parse("10.96.0.0")));
        Assert.Null(range.IndexOf(IPAddress.Parse("10.111.255.255")));
        Assert.Equal(range.Size - 1, range.IndexOf(IPAddress.Parse("10.111.255.254")));
        Assert.Null(range.IndexOf(IPAddress.Parse("10.112.0.1")));
    }

    [Fact]
    public void SmallRangesHaveNoStaticBandAndHostBitsAreMasked()
    {
        var range = ServiceIpRange.Parse("10.0.0.5/29");
        Assert.Equal("10.0.0.0/29", range.Cidr);
        Assert.Equal(6, range.Size);
        Assert.Equal(0, range.Offset);
        Assert.Equal(16, ServiceIpRange.Parse("10.0.0.0/24").Offset);
    }

    [Theory]
    [InlineData("10.96.0.0")]
    [InlineData("fd00::/108")]
    [InlineData("10.0.0.0/31")]
    [InlineData("nonsense/12")]
    public void RefusedServiceRanges(string cidr) => Assert.Throws<ArgumentException>(() => ServiceIpRange.Parse(cidr));

    [Fact]
    public void NodePortRanges()
    {
        var range = NodePortRange.Parse("30000-32767");
        Assert.Equal(2768, range.Size);
        Assert.Equal(86, range.Offset);
        Assert.Equal("30000-32767", range.ToString());
        Assert.True(range.Contains(32767));
        Assert.False(range.Contains(29999));
        Assert.Equal(0, NodePortRange.Parse("30000-30002").Offset);
        Assert.Throws<ArgumentException>(() => NodePortRange.Parse("32767-30000"));
    }

    [Fact]
    public void IdentityLeaseNamesDifferPerAdvertisedEndpoint()
    {
        var a = ApiServerIdentity.LeaseName("host", IPAddress.Parse("10.0.0.1"), 6443);
        Assert.Equal(a, ApiServerIdentity.LeaseName("host", IPAddress.Parse("10.0.0.1"), 6443));
        Assert.NotEqual(a, ApiServerIdentity.LeaseName("host", IPAddress.Parse("10.0.0.2"), 6443));
        Assert.Matches("^apiserver-[a-z2-7]{26}$", a);
    }
}
