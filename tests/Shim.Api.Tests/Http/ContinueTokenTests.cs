using System.Text;
using Shim.Api.Errors;
using Shim.Api.Http;
using Xunit;

namespace Shim.Api.Tests.Http;

public sealed class ContinueTokenTests
{
    [Fact]
    public void RoundTrips()
    {
        var token = new ContinueToken(4711, "/core/pods/default/web-1");
        var encoded = token.Encode();
        Assert.DoesNotContain("=", encoded);
        Assert.Equal(token, ContinueToken.Decode(encoded));
    }

    [Fact]
    public void HasUpstreamShape()
    {
        var encoded = new ContinueToken(12, "k").Encode().Replace('-', '+').Replace('_', '/');
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.PadRight(encoded.Length + ((4 - (encoded.Length % 4)) % 4), '=')));
        Assert.Equal("""{"v":"meta.k8s.io/v1","rv":12,"start":"k"}""", json);
    }

    [Theory]
    [InlineData("not base64 !!")]
    [InlineData("eyJ2IjoibWV0YS5rOHMuaW8vdjAiLCJydiI6MSwic3RhcnQiOiJrIn0")] // wrong "v"
    [InlineData("e30")] // {}
    public void RejectsBadTokensWith400(string token)
    {
        var error = Assert.Throws<ApiException>(() => ContinueToken.Decode(token));
        Assert.Equal(400, error.Code);
        Assert.StartsWith("invalid continue token", error.Message, StringComparison.Ordinal);
    }
}
