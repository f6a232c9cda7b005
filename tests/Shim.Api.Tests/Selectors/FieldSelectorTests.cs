using Shim.Api.Errors;
using Shim.Api.Selectors;
using Xunit;

namespace Shim.Api.Tests.Selectors;

public sealed class FieldSelectorTests
{
    private static string? Field(string name) => name switch
    {
        "metadata.name" => "web-1",
        "status.phase" => "Running",
        "spec.nodeName" => "node-a",
        _ => null,
    };

    [Theory]
    [InlineData("", true)]
    [InlineData("metadata.name=web-1", true)]
    [InlineData("metadata.name==web-1", true)]
    [InlineData("metadata.name!=web-1", false)]
    [InlineData("status.phase=Running,spec.nodeName=node-a", true)]
    [InlineData("status.phase=Running,spec.nodeName!=node-a", false)]
    [InlineData("spec.nodeName=", false)]
    public void Matches(string selector, bool expected) => Assert.Equal(expected, FieldSelector.Parse(selector).Matches(Field));

    [Fact]
    public void UnescapesValues()
    {
        var selector = FieldSelector.Parse(@"metadata.name=a\,b\=c");
        Assert.Equal("a,b=c", selector.RequiredValue("metadata.name"));
    }

    [Fact]
    public void RejectsTermsWithoutOperator()
    {
        var error = Assert.Throws<ApiException>(() => FieldSelector.Parse("metadata.name"));
        Assert.Equal(400, error.Code);
    }
}
