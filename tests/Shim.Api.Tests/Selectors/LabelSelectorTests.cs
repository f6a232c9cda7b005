using Shim.Api.Errors;
using Shim.Api.Selectors;
using Xunit;

namespace Shim.Api.Tests.Selectors;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["tier"] = "fe", ["rank"] = "3" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app = web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app!=db", true)]
    [InlineData("app in (web,db)", true)]
    [InlineData("app in (db)", false)]
    [InlineData("app notin (db)", true)]
    [InlineData("app notin (web)", false)]
    [InlineData("missing notin (x)", true)]
    [InlineData("tier", true)]
    [InlineData("missing", false)]
    [InlineData("!missing", true)]
    [InlineData("!tier", false)]
    [InlineData("app=web,tier=fe", true)]
    [InlineData("app=web,tier=be", false)]
    [InlineData("rank>2", true)]
    [InlineData("rank<2", false)]
    [InlineData("example.com/owner!=x", true)]
    public void MatchesAsUpstream(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Web));

    [Theory]
    [InlineData("app in web")]
    [InlineData("app in (web")]
    [InlineData("=web")]
    [InlineData("app=we b")]
    [InlineData("app=-bad")]
    [InlineData("Bad Key=x")]
    [InlineData("rank>two")]
    [InlineData("app=web,")]
    public void RejectsBadSyntaxWith400(string selector)
    {
        var error = Assert.Throws<ApiException>(() => LabelSelector.Parse(selector));
        Assert.Equal(400, error.Code);
        Assert.Equal("BadRequest", error.Reason);
    }

    [Fact]
    public void RendersCanonicalStringForScaleStatus()
    {
        var selector = LabelSelector.FromObject(System.Text.Json.Nodes.JsonNode.Parse(
            """{"matchLabels":{"b":"2","a":"1"},"matchExpressions":[{"key":"c","operator":"In","values":["y","x"]},{"key":"d","operator":"DoesNotExist"}]}""")!.AsObject())!;
        Assert.Equal("a=1,b=2,c in (x,y),!d", selector.ToString());
    }
}
