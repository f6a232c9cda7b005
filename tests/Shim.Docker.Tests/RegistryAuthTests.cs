using System.Text;
using System.Text.Json.Nodes;

namespace Shim.Docker.Tests;

public sealed class RegistryAuthTests
{
    [Fact]
    public void A_dockerconfigjson_entry_for_the_images_registry_gives_username_and_password()
    {
        var secret = """{"auths":{"registry.example.com:5000":{"username":"alice","password":"s3cret"}}}""";

        var header = RegistryAuth.ForImage("registry.example.com:5000/team/app:1", [secret]);

        Assert.Equal("""{"username":"alice","password":"s3cret","serveraddress":"registry.example.com:5000"}""", Decode(header).ToJsonString());
    }

    [Fact]
    public void The_auth_field_is_decoded_into_username_and_password()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("bob:pa:ss"));
        var secret = "{\"auths\":{\"https://quay.io\":{\"auth\":\"" + auth + "\",\"email\":\"bob@example.com\"}}}";

        var config = Decode(RegistryAuth.ForImage("quay.io/org/app", [secret]));

        Assert.Equal("bob", config["username"]!.ToString());
        Assert.Equal("pa:ss", config["password"]!.ToString());
        Assert.Equal("https://quay.io", config["serveraddress"]!.ToString());
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/")]
    [InlineData("docker.io")]
    [InlineData("index.docker.io")]
    [InlineData("registry-1.docker.io")]
    public void Docker_hub_keys_match_images_without_a_registry(string key)
    {
        var secret = new JsonObject { ["auths"] = new JsonObject { [key] = new JsonObject { ["username"] = "hubuser", ["password"] = "hubpass" } } }.ToJsonString();

        Assert.Equal("hubuser", Decode(RegistryAuth.ForImage("nginx:1.27", [secret]))["username"]!.ToString());
        Assert.Equal("hubuser", Decode(RegistryAuth.ForImage("docker.io/team/app", [secret]))["username"]!.ToString());
    }

    [Fact]
    public void A_dockercfg_payload_without_auths_is_understood()
    {
        var secret = """{"registry.example.com":{"username":"carol","password":"pw","email":"c@example.com"}}""";

        Assert.Equal("carol", Decode(RegistryAuth.ForImage("registry.example.com/app", [secret]))["username"]!.ToString());
    }

    [Fact]
    public void An_identity_token_is_sent_instead_of_a_password()
    {
        var secret = """{"auths":{"registry.example.com":{"username":"00000000-0000-0000-0000-000000000000","identitytoken":"refresh-token"}}}""";

        var config = Decode(RegistryAuth.ForImage("registry.example.com/app", [secret]));

        Assert.Equal("refresh-token", config["identitytoken"]!.ToString());
        Assert.Null(config["password"]);
    }

    [Fact]
    public void No_matching_registry_gives_null()
    {
        var secret = """{"auths":{"registry.example.com":{"username":"u","password":"p"}}}""";

        Assert.Null(RegistryAuth.ForImage("other.example.com/app", [secret]));
        Assert.Null(RegistryAuth.ForImage("registry.example.com:5000/app", [secret]));
        Assert.Null(RegistryAuth.ForImage("nginx", [secret]));
        Assert.Null(RegistryAuth.ForImage("registry.example.com/app", []));
    }

    [Fact]
    public void The_most_specific_key_wins_across_secrets_and_broken_or_empty_entries_are_skipped()
    {
        string[] secrets =
        [
            "not json",
            """{"auths":{"registry.example.com":{"email":"no-credentials@example.com"}}}""",
            """{"auths":{"*.example.com":{"username":"wildcard","password":"p"}}}""",
            """{"auths":{"registry.example.com":{"username":"host","password":"p"},"registry.example.com/team":{"username":"team","password":"p"}}}""",
        ];

        Assert.Equal("team", User(RegistryAuth.ForImage("registry.example.com/team/app", secrets)));
        Assert.Equal("host", User(RegistryAuth.ForImage("registry.example.com/teamwork/app", secrets)));
        Assert.Equal("wildcard", User(RegistryAuth.ForImage("other.example.com/app", secrets)));
        Assert.Null(RegistryAuth.ForImage("a.b.example.com/app", secrets));
    }

    [Fact]
    public void The_header_is_url_safe_base64()
    {
        var header = RegistryAuth.EncodeHeader(new JsonObject { ["username"] = "??>>", ["password"] = "~~~" });

        Assert.DoesNotContain('+', header);
        Assert.DoesNotContain('/', header);
        Assert.Equal("??>>", Decode(header)["username"]!.ToString());
    }

    private static string? User(string? header) => header is null ? null : Decode(header)["username"]?.ToString();

    private static JsonObject Decode(string? header)
    {
        Assert.NotNull(header);
        var base64 = header.Replace('-', '+').Replace('_', '/');
        return (JsonObject)JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(base64)))!;
    }
}
