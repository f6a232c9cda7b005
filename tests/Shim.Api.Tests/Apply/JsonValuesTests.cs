using System.Text.Json.Nodes;
using Shim.Api.Apply;
using Xunit;

namespace Shim.Api.Tests.Apply;

public sealed class JsonValuesTests
{
    [Fact]
    public void KindsDistinguishIntsAndFloatsWhetherParsedOrBuilt()
    {
        Assert.Equal(ValueKind.Int, JsonValues.Kind(JsonValue.Create(80)));
        Assert.Equal(ValueKind.Int, JsonValues.Kind(JsonValue.Create(80L)));
        Assert.Equal(ValueKind.Float, JsonValues.Kind(JsonValue.Create(1.5)));
        Assert.Equal(ValueKind.Float, JsonValues.Kind(JsonValue.Create(80.0)));
        Assert.Equal(ValueKind.Int, JsonValues.Kind(JsonNode.Parse("80")));
        Assert.Equal(ValueKind.Float, JsonValues.Kind(JsonNode.Parse("80.0")));
        Assert.Equal(ValueKind.Float, JsonValues.Kind(JsonNode.Parse("1e3")));
        Assert.Equal(ValueKind.String, JsonValues.Kind(JsonValue.Create("x")));
        Assert.Equal(ValueKind.Bool, JsonValues.Kind(JsonNode.Parse("false")));
        Assert.Equal(ValueKind.Null, JsonValues.Kind(null));
        Assert.Equal(ValueKind.Map, JsonValues.Kind(new JsonObject()));
        Assert.Equal(ValueKind.List, JsonValues.Kind(new JsonArray()));
    }

    [Theory]
    [InlineData("1", "1.0", 0)]
    [InlineData("1", "2", -1)]
    [InlineData("2.5", "2", 1)]
    [InlineData("100", "\"1\"", -1)]
    [InlineData("\"b\"", "\"a\"", 1)]
    [InlineData("\"z\"", "true", -1)]
    [InlineData("false", "true", -1)]
    [InlineData("true", "[1]", -1)]
    [InlineData("[1,2]", "[1]", 1)]
    [InlineData("[1]", "{}", -1)]
    [InlineData("{\"a\":1}", "{\"a\":1.0}", 0)]
    [InlineData("{}", "null", -1)]
    public void ValuesAreOrderedAsStructuredMergeDiffOrdersThem(string a, string b, int expected)
    {
        Assert.Equal(expected, JsonValues.Compare(JsonNode.Parse(a), JsonNode.Parse(b)));
        Assert.Equal(-expected, JsonValues.Compare(JsonNode.Parse(b), JsonNode.Parse(a)));
        Assert.Equal(expected == 0, JsonValues.Equal(JsonNode.Parse(a), JsonNode.Parse(b)));
    }

    [Fact]
    public void StringsCompareByCodePoint()
    {
        Assert.True(JsonValues.CompareStrings("\uFFFD", "😀") < 0);
        Assert.True(JsonValues.CompareStrings("a", "ab") < 0);
        Assert.True(JsonValues.CompareStrings("B", "a") < 0);
    }

    [Theory]
    [InlineData(80.0, "80", "80")]
    [InlineData(1.5, "1.5", "1.5")]
    [InlineData(1e6, "1000000", "1e+06")]
    [InlineData(123456.0, "123456", "123456")]
    [InlineData(1e21, "1e+21", "1e+21")]
    [InlineData(1e-7, "1e-7", "1e-07")]
    [InlineData(0.0001, "0.0001", "0.0001")]
    [InlineData(-2.25, "-2.25", "-2.25")]
    [InlineData(0.0, "0", "0")]
    public void FloatsPrintAsGoPrintsThem(double value, string json, string verb)
    {
        Assert.Equal(json, JsonValues.GoJsonFloat(value));
        Assert.Equal(verb, JsonValues.GoVerbFloat(value));
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("tab\there\nnl", "\"tab\\there\\nnl\"")]
    [InlineData("\u0001", "\"\\x01\"")]
    [InlineData("héllo 世界", "\"héllo 世界\"")]
    public void QuotesAsGoQuotes(string value, string expected)
    {
        Assert.Equal(expected, JsonValues.GoQuote(value));
    }

    [Fact]
    public void GoJsonSortsKeysAndEscapesHtml()
    {
        Assert.Equal("""{"a":[1,2.5,"x\u003cy"],"b":null,"c":{"d":true}}""",
            JsonValues.GoJson(JsonNode.Parse("""{"c":{"d":true},"b":null,"a":[1,2.5,"x<y"]}""")));
    }
}
