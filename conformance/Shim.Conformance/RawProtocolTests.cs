using System.Text.Json.Nodes;
using Xunit;

namespace Shim.Conformance;

/// <summary>Protocol details kubectl and client-go rely on, checked on the wire.</summary>
public sealed class RawProtocolTests(MemoryCluster cluster) : IClassFixture<MemoryCluster>
{
    [Theory]
    [InlineData("v2")]
    [InlineData("v2beta1")]
    public async Task AggregatedDiscoveryEchoesItsContentType(string version)
    {
        using var api = new ApiClient(cluster.Server);
        var accept = $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList,application/json";
        using var response = await api.SendAsync(HttpMethod.Get, "/apis", accept: accept);
        Assert.Equal($"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList", response.Content.Headers.ContentType!.ToString().Replace(" ", "", StringComparison.Ordinal));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var apps = body["items"]!.AsArray().Single(i => i!["metadata"]!["name"]!.ToString() == "apps")!;
        var deployments = apps["versions"]![0]!["resources"]!.AsArray().Single(r => r!["resource"]!.ToString() == "deployments")!;
        Assert.Equal("Namespaced", deployments["scope"]!.ToString());
        var scale = deployments["subresources"]!.AsArray().Single(s => s!["subresource"]!.ToString() == "scale")!;
        Assert.Equal("autoscaling", scale["responseKind"]!["group"]!.ToString());
        using var core = await api.SendAsync(HttpMethod.Get, "/api", accept: accept);
        var coreBody = JsonNode.Parse(await core.Content.ReadAsStringAsync())!;
        Assert.Equal("", coreBody["items"]![0]!["metadata"]!["name"]!.ToString());
    }

    [Fact]
    public async Task TablesWithObjectsAndPartialMetadataLists()
    {
        using var api = new ApiClient(cluster.Server);
        await api.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"t1"},"data":{"a":"1","b":"2"}}""");
        var (_, table) = await api.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?includeObject=Object&fieldSelector=metadata.name%3Dt1",
            accept: "application/json;as=Table;v=v1;g=meta.k8s.io");
        Assert.Equal("Table", table!["kind"]!.ToString());
        Assert.Equal(["Name", "Data", "Age"], table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.ToString()));
        var row = table["rows"]![0]!;
        Assert.Equal("t1", row["cells"]![0]!.ToString());
        Assert.Equal(2, (int)row["cells"]![1]!);
        Assert.Equal("ConfigMap", row["object"]!["kind"]!.ToString());
        Assert.NotNull(table["metadata"]!["resourceVersion"]);
        var (bad, _) = await api.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?includeObject=Everything", accept: "application/json;as=Table;v=v1;g=meta.k8s.io");
        Assert.Equal(400, bad);

        var (_, partial) = await api.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps",
            accept: "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io");
        Assert.Equal("PartialObjectMetadataList", partial!["kind"]!.ToString());
        Assert.All(partial["items"]!.AsArray(), i => Assert.Null(i!["data"]));
    }

    [Fact]
    public async Task DeleteCollectionBySelectorReturnsTheDeletedList()
    {
        using var api = new ApiClient(cluster.Server);
        foreach (var name in new[] { "dc-a", "dc-b", "dc-keep" })
        {
            var label = name == "dc-keep" ? "keep" : "drop";
            await api.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/default/secrets", new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["dc"] = label } } }.ToJsonString());
        }

        var (code, list) = await api.JsonAsync(HttpMethod.Delete, "/api/v1/namespaces/default/secrets?labelSelector=dc%3Ddrop");
        Assert.Equal(200, code);
        Assert.Equal("SecretList", list!["kind"]!.ToString());
        Assert.Equal(["dc-a", "dc-b"], list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.ToString()).Order());
        var (_, remaining) = await api.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/default/secrets?labelSelector=dc");
        Assert.Equal(["dc-keep"], remaining!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.ToString()));
    }

    [Fact]
    public async Task WatchListEndsInitialEventsWithAnAnnotatedBookmark()
    {
        using var api = new ApiClient(cluster.Server);
        await api.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"wl1","labels":{"wl":"x"}}}""");
        using var response = await api.SendAsync(HttpMethod.Get,
            "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&resourceVersion=&labelSelector=wl&timeoutSeconds=2");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal("ADDED", lines[0]["type"]!.ToString());
        Assert.Equal("wl1", lines[0]["object"]!["metadata"]!["name"]!.ToString());
        var bookmark = lines[1];
        Assert.Equal("BOOKMARK", bookmark["type"]!.ToString());
        Assert.Equal("true", bookmark["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.ToString());
        Assert.True(long.Parse(bookmark["object"]!["metadata"]!["resourceVersion"]!.ToString()) >=
                    long.Parse(lines[0]["object"]!["metadata"]!["resourceVersion"]!.ToString()));
    }

    [Fact]
    public async Task PeriodicBookmarksAndExactListsOfThePast()
    {
        using var api = new ApiClient(cluster.Server);
        var (_, first) = await api.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"past"},"data":{"v":"1"}}""");
        var rv = first!["metadata"]!["resourceVersion"]!.ToString();
        await api.JsonAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/past", """{"data":{"v":"2"}}""", "application/merge-patch+json");
        var (_, exact) = await api.JsonAsync(HttpMethod.Get, $"/api/v1/namespaces/default/configmaps?resourceVersion={rv}&resourceVersionMatch=Exact&fieldSelector=metadata.name%3Dpast");
        Assert.Equal(rv, exact!["metadata"]!["resourceVersion"]!.ToString());
        Assert.Equal("1", exact["items"]![0]!["data"]!["v"]!.ToString());

        using var response = await api.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion={rv}&timeoutSeconds=7");
        var events = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Contains(events, e => e["type"]!.ToString() == "MODIFIED" && e["object"]!["metadata"]!["name"]!.ToString() == "past");
        Assert.Contains(events, e => e["type"]!.ToString() == "BOOKMARK");
    }
}
