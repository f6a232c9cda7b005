using System.Text.Json.Nodes;
using Shim.Api.Defaulting;
using Shim.Api.Resources;
using Xunit;

namespace Shim.Api.Tests.Defaulting;

/// <summary>Runs the defaulter on JSON and compares with the expected JSON, twice (defaulting must be idempotent).</summary>
internal static class DefaultingAssert
{
    public static readonly DateTimeOffset Now = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private static readonly ResourceRegistry Resources = BuiltInResources.Create();

    public static JsonObject Apply(string group, string resource, string json)
    {
        var obj = JsonNode.Parse(json)!.AsObject();
        Defaulter.Apply(Resources.Get(group, resource), obj, new FixedClock(Now));
        return obj;
    }

    public static void Defaults(string group, string resource, string before, string after)
    {
        var definition = Resources.Get(group, resource);
        var obj = JsonNode.Parse(before)!.AsObject();
        Defaulter.Apply(definition, obj, new FixedClock(Now));
        Same(after, obj, "after defaulting once");
        Defaulter.Apply(definition, obj, new FixedClock(Now.AddHours(1)));
        Same(after, obj, "after defaulting twice");

        // The public entry point gives the same result.
        var again = JsonNode.Parse(after)!.AsObject();
        Defaulter.Apply(definition, again);
        Same(after, again, "after defaulting the expected result");
    }

    public static void Unchanged(string group, string resource, string json) => Defaults(group, resource, json, json);

    public static void Same(string expected, JsonNode actual, string when)
    {
        var want = JsonNode.Parse(expected);
        var got = JsonNode.Parse(actual.ToJsonString());
        Assert.True(JsonNode.DeepEquals(want, got), $"{when}:\nexpected {want!.ToJsonString()}\nactual   {got!.ToJsonString()}");
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
