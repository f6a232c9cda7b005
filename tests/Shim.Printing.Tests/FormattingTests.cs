using System.Text.Json.Nodes;
using Shim.Printing.Formatting;

namespace Shim.Printing.Tests;

public class FormattingTests
{
    [Theory]
    [InlineData("1000m", "1")]
    [InlineData("1500m", "1500m")]
    [InlineData("0.5", "500m")]
    [InlineData("100", "100")]
    [InlineData("1000", "1k")]
    [InlineData("2000M", "2G")]
    [InlineData("1024Mi", "1Gi")]
    [InlineData("1536Mi", "1536Mi")]
    [InlineData("1.5Gi", "1536Mi")]
    [InlineData("10Gi", "10Gi")]
    [InlineData("1Ki", "1Ki")]
    [InlineData("512", "512")]
    [InlineData("0.5Ki", "512")]
    [InlineData("1e3", "1e3")]
    [InlineData("12e6", "12e6")]
    [InlineData("1.5e3", "1500")]
    [InlineData("0", "0")]
    [InlineData("0Gi", "0")]
    [InlineData("1n", "1n")]
    [InlineData("0.1n", "1n")]
    [InlineData("-1500m", "-1500m")]
    [InlineData("+2", "2")]
    [InlineData("5368709120", "5368709120")]
    [InlineData("5120Mi", "5Gi")]
    [InlineData("garbage", "garbage")]
    public void Quantities_are_printed_canonically(string input, string expected) =>
        Assert.Equal(expected, Quantity.Canonical(input));

    [Fact]
    public void Absent_quantity_is_zero_and_absent_pointer_is_nil()
    {
        Assert.Equal("0", Quantity.Format(null));
        Assert.Equal("<nil>", Quantity.FormatPointer(null));
        Assert.Equal("2", Quantity.Format(JsonValue.Create(2)));
    }

    [Fact]
    public void Label_selectors_sort_requirements_by_key()
    {
        var selector = Fixtures.Obj("""
            {'matchLabels':{'b':'2','a':'1'},
             'matchExpressions':[{'key':'x','operator':'DoesNotExist'},{'key':'env','operator':'In','values':['prod','dev']},
                                 {'key':'tier','operator':'NotIn','values':['cache']},{'key':'gpu','operator':'Exists'}]}
            """);
        Assert.Equal("a=1,b=2,env in (dev,prod),gpu,tier notin (cache),!x", Labels.FormatSelector(selector));
    }

    [Fact]
    public void Empty_nil_and_broken_selectors()
    {
        Assert.Equal("<none>", Labels.FormatSelector(null));
        Assert.Equal("<none>", Labels.FormatSelector(new JsonObject()));
        Assert.Equal("<error>", Labels.FormatSelector(Fixtures.Obj("{'matchExpressions':[{'key':'a','operator':'Near'}]}")));
        Assert.Equal("<error>", Labels.FormatSelector(Fixtures.Obj("{'matchExpressions':[{'key':'a','operator':'In','values':[]}]}")));
        Assert.Null(Labels.SelectorString(Fixtures.Obj("{'matchExpressions':[{'key':'a','operator':'Exists','values':['v']}]}")));
    }

    [Fact]
    public void Label_maps_are_sorted_or_none()
    {
        Assert.Equal("app=web,tier=fe", Labels.FormatMap(Fixtures.Obj("{'tier':'fe','app':'web'}")));
        Assert.Equal("<none>", Labels.FormatMap(new JsonObject()));
        Assert.Equal("<none>", Labels.FormatMap(null));
    }
}
