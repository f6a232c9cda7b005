using Shim.Api.Defaulting;
using Xunit;

namespace Shim.Api.Tests.Defaulting;

/// <summary>The quantity arithmetic and image reference parsing that defaulting relies on.</summary>
public sealed class QuantityAndImageTests
{
    [Theory]
    [InlineData("1", "1")]
    [InlineData("1000m", "1")]
    [InlineData("1500m", "1500m")]
    [InlineData("0.5", "500m")]
    [InlineData("1.5k", "1500")]
    [InlineData("2000k", "2M")]
    [InlineData("1024Mi", "1Gi")]
    [InlineData("1536Mi", "1536Mi")]
    [InlineData("512", "512")]
    [InlineData("0.5Ki", "512")]
    [InlineData("1e3", "1e3")]
    [InlineData("1E6", "1e6")]
    [InlineData("100u", "100u")]
    [InlineData("0.1n", "1n")]
    [InlineData("-1.5", "-1500m")]
    [InlineData("0", "0")]
    [InlineData("0Gi", "0")]
    public void CanonicalText(string input, string canonical)
    {
        Assert.True(QuantityValue.TryParse(input, out var q));
        Assert.Equal(canonical, q.ToCanonicalString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1 Gi")]
    [InlineData("1Gb")]
    [InlineData("1e")]
    [InlineData(".")]
    [InlineData("--1")]
    public void RejectsWhatIsNotAQuantity(string input) => Assert.False(QuantityValue.TryParse(input, out _));

    [Theory]
    [InlineData("500m", "250m", "750m")]
    [InlineData("512Mi", "512Mi", "1Gi")]
    [InlineData("1Gi", "1G", "2073741824")]
    [InlineData("0", "1Gi", "1Gi")]
    [InlineData("1", "500m", "1500m")]
    public void AddsKeepingTheFirstFormat(string a, string b, string sum)
    {
        Assert.True(QuantityValue.TryParse(a, out var x));
        Assert.True(QuantityValue.TryParse(b, out var y));
        Assert.Equal(sum, x.Add(y).ToCanonicalString());
    }

    [Theory]
    [InlineData("1Gi", "1024Mi", 0)]
    [InlineData("1G", "1Gi", -1)]
    [InlineData("2", "1999m", 1)]
    public void Compares(string a, string b, int sign)
    {
        Assert.True(QuantityValue.TryParse(a, out var x));
        Assert.True(QuantityValue.TryParse(b, out var y));
        Assert.Equal(sign, Math.Sign(x.CompareTo(y)));
    }

    [Theory]
    [InlineData("nginx", "latest")]
    [InlineData("nginx:1.25", "1.25")]
    [InlineData("library/nginx:latest", "latest")]
    [InlineData("docker.io/library/nginx", "latest")]
    [InlineData("localhost/app:dev", "dev")]
    [InlineData("localhost:5000/app", "latest")]
    [InlineData("[::1]:5000/app:v1", "v1")]
    [InlineData("gcr.io/project/image:v1.2.3-rc.1", "v1.2.3-rc.1")]
    [InlineData("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "")]
    [InlineData("nginx:1.25@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "1.25")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "")]
    [InlineData("UPPER", "")]
    [InlineData("nginx:", "")]
    [InlineData("nginx::1", "")]
    [InlineData("", "")]
    [InlineData("My.Registry.io/app:v1", "v1")]
    public void ImageTags(string image, string tag) => Assert.Equal(tag, ImageReference.Tag(image));
}
