using Shim.Agent.Pods;

namespace Shim.Agent.Tests.Pods;

public sealed class NamingAndBackoffTests
{
    [Fact]
    public void ContainerNamesRoundTripLikeCriDockerd()
    {
        var name = new DockerContainerName("app", "web-1", "shop", "1b2c", 3);
        Assert.Equal("k8s_app_web-1_shop_1b2c_3", name.ToString());
        Assert.Equal(name, DockerContainerName.TryParse("/k8s_app_web-1_shop_1b2c_3"));
        Assert.True(DockerContainerName.TryParse("k8s_POD_web-1_shop_1b2c_0")!.IsSandbox);
        Assert.Equal(2, DockerContainerName.TryParse("k8s_app_web_shop_uid_2_a1b2c3")!.Attempt);
        Assert.Null(DockerContainerName.TryParse("/festive_turing"));
        Assert.Null(DockerContainerName.TryParse("k8s_app_web_shop_uid_x"));
    }

    [Fact]
    public void BackoffStartsImmediateThenDoublesToMaxAndForgetsAfterTwiceMax()
    {
        var time = new SteppedTime();
        var backoff = new RestartBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(40), time);
        var failedAt = time.GetUtcNow();
        Assert.False(backoff.IsInBackOff("c", failedAt, out _));
        backoff.Next("c");
        Assert.Equal(TimeSpan.FromSeconds(10), backoff.Delay("c"));
        Assert.True(backoff.IsInBackOff("c", failedAt, out var until));
        Assert.Equal(failedAt.AddSeconds(10), until);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(backoff.IsInBackOff("c", failedAt, out _));
        backoff.Next("c");
        backoff.Next("c");
        backoff.Next("c");
        Assert.Equal(TimeSpan.FromSeconds(40), backoff.Delay("c"));
        time.Advance(TimeSpan.FromSeconds(81));
        Assert.Null(backoff.Delay("c"));
    }

    [Fact]
    public void GoDurationsMatchKubeletMessages()
    {
        Assert.Equal("10s", GoDuration.Format(TimeSpan.FromSeconds(10)));
        Assert.Equal("5m0s", GoDuration.Format(TimeSpan.FromSeconds(300)));
        Assert.Equal("2m40s", GoDuration.Format(TimeSpan.FromSeconds(160)));
        Assert.Equal("200ms", GoDuration.Format(TimeSpan.FromMilliseconds(200)));
    }

    [Theory]
    [InlineData("500m", 500)]
    [InlineData("1", 1000)]
    [InlineData("1.5", 1500)]
    [InlineData("2k", 2_000_000)]
    [InlineData("1e3", 1_000_000)]
    public void QuantitiesReadAsMilli(string text, long milli) => Assert.Equal(milli, ResourceQuantity.Milli(text));

    [Theory]
    [InlineData("128Mi", 134_217_728)]
    [InlineData("1G", 1_000_000_000)]
    [InlineData("1.5Gi", 1_610_612_736)]
    [InlineData("100", 100)]
    public void QuantitiesReadAsBytes(string text, long bytes) => Assert.Equal(bytes, ResourceQuantity.Whole(text));
}
