using System.Net;
using Shim.Streaming.Tests.Host;

namespace Shim.Streaming.Tests.Unit;

/// <summary>Requests the servers cannot upgrade get a prompt 4xx with a Status body, never a hang.</summary>
public sealed class RefusalTests
{
    [Theory]
    [InlineData("exec?command=ls&stdout=true", null, null, HttpStatusCode.BadRequest, "Upgrade request required")]
    [InlineData("exec?command=ls&stdout=true", "SPDY/3.1", "v9.channel.k8s.io", HttpStatusCode.Forbidden, "unable to negotiate protocol")]
    [InlineData("exec?command=ls&stdout=true", "SPDY/3.1", null, HttpStatusCode.BadRequest, "X-Stream-Protocol-Version")]
    [InlineData("portforward", null, null, HttpStatusCode.BadRequest, "Upgrade request required")]
    [InlineData("portforward", "SPDY/3.1", "v4.channel.k8s.io", HttpStatusCode.Forbidden, "portforward.k8s.io")]
    public async Task AnswersWithAClearError(string path, string? upgrade, string? version, HttpStatusCode expected, string text)
    {
        await using var api = await FakeApiServer.StartAsync();
        using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/namespaces/default/pods/p1/{path}");
        if (upgrade != null)
        {
            request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
            request.Headers.TryAddWithoutValidation("Upgrade", upgrade);
        }
        if (version != null)
        {
            request.Headers.TryAddWithoutValidation("X-Stream-Protocol-Version", version);
        }
        using var response = await client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(text, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
