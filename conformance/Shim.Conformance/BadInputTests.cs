using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace Shim.Conformance;

/// <summary>Malformed and hostile requests get the upstream Status error, never a 500 or a hang, and change nothing.</summary>
public sealed class BadInputTests(MemoryCluster cluster) : IClassFixture<MemoryCluster>
{
    private const string Cms = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task RequestsWithoutCredentialsAre401()
    {
        using var anonymous = new ApiClient(cluster.Server, authenticated: false);
        var (code, body) = await anonymous.JsonAsync(HttpMethod.Get, "/api/v1/namespaces");
        Assert.Equal(401, code);
        Assert.Equal("Unauthorized", body!["reason"]!.ToString());
        Assert.Equal(200, (await anonymous.JsonAsync(HttpMethod.Get, "/readyz")).Code);
    }

    [Theory]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",", "application/json")]
    [InlineData("[1,2,3]", "application/json")]
    [InlineData("metadata: {name: x\n  bad", "application/yaml")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"d\"},\"data\":{\"a\":\"1\",\"a\":\"2\"}}", "application/json")]
    [InlineData("{\"kind\":\"ConfigMap\",\"kind\":\"ConfigMap\"}", "application/json")]
    [InlineData("metadata:\n  name: d\ndata:\n  a: '1'\n  a: '2'\n", "application/yaml")]
    [InlineData("\u0000\u0001garbage", "application/vnd.kubernetes.protobuf")]
    public async Task MalformedBodiesAre400(string body, string contentType)
    {
        using var api = new ApiClient(cluster.Server);
        var (code, status) = await api.JsonAsync(HttpMethod.Post, Cms, body, contentType);
        Assert.Equal(400, code);
        Assert.Equal("BadRequest", status!["reason"]!.ToString());
        Assert.Equal("Status", status["kind"]!.ToString());
    }

    [Fact]
    public async Task KindOrVersionNotMatchingTheUrlIs400()
    {
        using var api = new ApiClient(cluster.Server);
        Assert.Equal(400, (await api.JsonAsync(HttpMethod.Post, Cms, """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}""")).Code);
        Assert.Equal(400, (await api.JsonAsync(HttpMethod.Post, Cms, """{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"x"}}""")).Code);
        Assert.Equal(400, (await api.JsonAsync(HttpMethod.Post, Cms, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"kube-system"}}""")).Code);
    }

    [Fact]
    public async Task InvalidNamesAre422WithCauses()
    {
        using var api = new ApiClient(cluster.Server);
        var (code, status) = await api.JsonAsync(HttpMethod.Post, Cms, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Not_Valid","labels":{"bad key":"v"}}}""");
        Assert.Equal(422, code);
        Assert.Equal("Invalid", status!["reason"]!.ToString());
        Assert.Equal("ConfigMap", status["details"]!["kind"]!.ToString());
        var fields = status["details"]!["causes"]!.AsArray().Select(c => c!["field"]!.ToString()).ToList();
        Assert.Contains("metadata.name", fields);
        Assert.Contains("metadata.labels", fields);
        var (svcCode, _) = await api.JsonAsync(HttpMethod.Post, "/api/v1/namespaces/default/services",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"1starts-with-digit"},"spec":{"ports":[{"port":80}]}}""");
        Assert.Equal(422, svcCode);
    }

    [Fact]
    public async Task UnknownResourcesAre404()
    {
        using var api = new ApiClient(cluster.Server);
        Assert.Equal(404, (await api.JsonAsync(HttpMethod.Get, "/api/v1/frobs")).Code);
        Assert.Equal(404, (await api.JsonAsync(HttpMethod.Get, "/apis/nope.example.com/v1/things")).Code);
        Assert.Equal(404, (await api.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/missing")).Code);
        Assert.Equal(404, (await api.JsonAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/x/nosuchsub")).Code);
    }

    [Fact]
    public async Task BodiesOver3MiBAre413()
    {
        using var api = new ApiClient(cluster.Server);
        var big = new StringBuilder("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"a":" """);
        big.Append('x', 3 * 1024 * 1024 + 10).Append("\"}}");
        var (code, status) = await api.JsonAsync(HttpMethod.Post, Cms, big.ToString());
        Assert.Equal(413, code);
        Assert.Equal("RequestEntityTooLarge", status!["reason"]!.ToString());
    }

    [Theory]
    [InlineData("?labelSelector=app%20in%20web")]
    [InlineData("?fieldSelector=spec.nodeName%3Dx")]
    [InlineData("?continue=garbage")]
    [InlineData("?limit=-1")]
    [InlineData("?resourceVersion=abc")]
    public async Task BadQueriesAre400(string query)
    {
        using var api = new ApiClient(cluster.Server);
        var (code, status) = await api.JsonAsync(HttpMethod.Get, Cms + query);
        Assert.Equal(400, code);
        Assert.Equal("BadRequest", status!["reason"]!.ToString());
    }

    [Theory]
    [InlineData("?resourceVersionMatch=Exact")]
    [InlineData("?sendInitialEvents=true")]
    [InlineData("?watch=1&sendInitialEvents=true")]
    [InlineData("?watch=1&resourceVersionMatch=NotOlderThan")]
    public async Task InvalidListOptionsAre422(string query)
    {
        using var api = new ApiClient(cluster.Server);
        var (code, status) = await api.JsonAsync(HttpMethod.Get, Cms + query);
        Assert.Equal(422, code);
        Assert.Equal("ListOptions", status!["details"]!["kind"]!.ToString());
    }

    [Fact]
    public async Task UnsupportedPatchTypeIs415AndRejectedWritesChangeNothing()
    {
        using var api = new ApiClient(cluster.Server);
        var (created, obj) = await api.JsonAsync(HttpMethod.Post, Cms, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"keep"},"data":{"a":"1"}}""");
        Assert.Equal(201, created);
        var rv = obj!["metadata"]!["resourceVersion"]!.ToString();
        Assert.Equal(415, (await api.JsonAsync(HttpMethod.Patch, Cms + "/keep", "{}", "application/x-unknown-patch")).Code);
        Assert.Equal(400, (await api.JsonAsync(HttpMethod.Patch, Cms + "/keep", "{not json", "application/merge-patch+json")).Code);
        Assert.Equal(422, (await api.JsonAsync(HttpMethod.Patch, Cms + "/keep", """[{"op":"remove","path":"/nope"}]""", "application/json-patch+json")).Code);
        Assert.Equal(422, (await api.JsonAsync(HttpMethod.Patch, Cms + "/keep", """[{"op":5,"path":["x"]}]""", "application/json-patch+json")).Code);
        Assert.Equal(400, (await api.JsonAsync(HttpMethod.Patch, Cms + "/keep", """[{"op":"add","op":"remove"}]""", "application/json-patch+json")).Code);
        Assert.Equal(422, (await api.JsonAsync(HttpMethod.Patch, Cms + "/keep", """{"metadata":{"labels":{"-bad-":"x"}}}""", "application/merge-patch+json")).Code);
        Assert.Equal(400, (await api.JsonAsync(HttpMethod.Put, Cms + "/keep", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"other"}}""")).Code);
        var (_, after) = await api.JsonAsync(HttpMethod.Get, Cms + "/keep");
        Assert.Equal(rv, after!["metadata"]!["resourceVersion"]!.ToString());
        Assert.Equal("1", after["data"]!["a"]!.ToString());
    }

    [Fact]
    public async Task WatchFromTheFutureTimesOutAndClosedWatchesEndCleanly()
    {
        using var api = new ApiClient(cluster.Server);
        var (code, status) = await api.JsonAsync(HttpMethod.Get, Cms + "?watch=1&resourceVersion=999999999");
        Assert.Equal(504, code);
        Assert.Equal("Timeout", status!["reason"]!.ToString());
        using var response = await api.SendAsync(HttpMethod.Get, Cms + "?watch=1&timeoutSeconds=1&resourceVersion=0");
        Assert.Equal(200, (int)response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.All(body.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Equal("ADDED", JsonNode.Parse(line)!["type"]!.ToString()));
    }

    [Fact]
    public async Task ServerStaysHealthyAfterAbuse()
    {
        using var api = new ApiClient(cluster.Server);
        var tasks = Enumerable.Range(0, 50).Select(i => api.JsonAsync(HttpMethod.Post, Cms, i % 2 == 0 ? "{" : "\u0000\u0001"));
        var codes = (await Task.WhenAll(tasks)).Select(r => r.Code).Distinct().ToList();
        Assert.DoesNotContain(500, codes);
        Assert.Equal(200, (await api.JsonAsync(HttpMethod.Get, "/readyz")).Code);
        Assert.DoesNotContain("Unexpected failure", cluster.Server.Log);
    }
}
