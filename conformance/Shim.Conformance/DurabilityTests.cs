using System.Text.Json.Nodes;
using Xunit;

namespace Shim.Conformance;

/// <summary>With Redis the whole state survives a restart of the API server; history from before it is 410 Gone.</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly RedisServer _redis = new();

    [Fact]
    public async Task StateSurvivesServerRestartAndOldWatchesGetGone()
    {
        using var server = new ShimServer(_redis.Url("durable"));
        string rvBefore;
        using (var api = new ApiClient(server))
        {
            var (code, created) = await api.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
                """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"survivor","labels":{"a":"b"}},"data":{"k":"v"}}""");
            Assert.Equal(201, code);
            rvBefore = created!["metadata"]!["resourceVersion"]!.ToString();
            await api.JsonAsync(HttpMethod.Post, "/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kept"}}""");
        }

        server.Restart();
        using var after = new ApiClient(server);
        var (getCode, obj) = await after.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/survivor");
        Assert.Equal(200, getCode);
        Assert.Equal("v", obj!["data"]!["k"]!.ToString());
        Assert.Equal(rvBefore, obj["metadata"]!["resourceVersion"]!.ToString());
        Assert.Equal(200, (await after.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/kept")).Code);

        // Revisions keep increasing across the restart.
        var (_, updated) = await after.JsonAsync(HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/survivor", """{"data":{"k":"w"}}""", "application/merge-patch+json");
        Assert.True(long.Parse(updated!["metadata"]!["resourceVersion"]!.ToString()) > long.Parse(rvBefore));

        // The new server's watch cache starts at its fill revision: resuming from before it is 410 Gone, as an ERROR event.
        using var response = await after.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1");
        Assert.Equal(200, (int)response.StatusCode);
        var line = (await response.Content.ReadAsStringAsync()).Split('\n')[0];
        var ev = JsonNode.Parse(line)!;
        Assert.Equal("ERROR", ev["type"]!.ToString());
        Assert.Equal(410, (int)ev["object"]!["code"]!);
        Assert.Equal("Expired", ev["object"]!["reason"]!.ToString());
    }

    [Fact]
    public async Task TwoApiServersOnOneRedisSeeEachOthersWritesAtOnce()
    {
        using var first = new ShimServer(_redis.Url("replicas"));
        using var second = new ShimServer(_redis.Url("replicas"));
        using var a = new ApiClient(first);
        using var b = new ApiClient(second);
        using var watch = await b.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0&timeoutSeconds=5");
        for (var i = 0; i < 20; i++)
        {
            var (code, _) = await a.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", $$$"""{"metadata":{"name":"r{{{i}}}"}}""");
            Assert.Equal(201, code);
            // A consistent read on the other replica reflects the write it did not serve.
            Assert.Equal(200, (await b.JsonAsync(HttpMethod.Get, $"/api/v1/namespaces/default/configmaps/r{i}")).Code);
        }

        var (_, list) = await b.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps");
        // Besides the root CA bundle the controllers publish in every namespace.
        Assert.Equal(20, list!["items"]!.AsArray().Count(i => i!["metadata"]!["name"]!.ToString() != "kube-root-ca.crt"));
        var added = (await watch.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonNode.Parse(l)!).Where(e => e["type"]!.ToString() == "ADDED").Select(e => e["object"]!["metadata"]!["name"]!.ToString()).Where(n => n != "kube-root-ca.crt");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"r{i}").Order(), added.Order());
    }

    public void Dispose() => _redis.Dispose();
}
