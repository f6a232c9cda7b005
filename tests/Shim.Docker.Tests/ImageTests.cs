using System.Text.Json.Nodes;

namespace Shim.Docker.Tests;

public sealed class ImageTests : DockerTestBase, IClassFixture<LocalRegistry>
{
    private readonly LocalRegistry _registry;

    public ImageTests(LocalRegistry registry) => _registry = registry;

    [Fact]
    public async Task A_present_image_is_inspected_and_an_absent_one_is_null()
    {
        var present = await Docker.InspectImageAsync(TestImage.Name, Timeout());
        var absent = await Docker.InspectImageAsync($"shim/absent-{TestId}:nope", Timeout());

        Assert.Contains(TestImage.Name, present!["RepoTags"]!.AsArray().Select(tag => tag!.ToString()));
        Assert.Null(absent);
    }

    [Fact]
    public async Task Pulling_a_tag_from_a_registry_with_a_port_makes_the_image_present()
    {
        var image = $"{_registry.Repository}:v1";
        await RemoveLocalAsync(image);

        await Docker.PullImageAsync(image, null, Timeout(60));

        var pulled = await Docker.InspectImageAsync(image, Timeout());
        Assert.Contains(image, pulled!["RepoTags"]!.AsArray().Select(tag => tag!.ToString()));
    }

    [Fact]
    public async Task Pulling_without_a_tag_means_latest_and_pulling_by_digest_works()
    {
        await RemoveLocalAsync($"{_registry.Repository}:latest");

        await Docker.PullImageAsync(_registry.Repository, null, Timeout(60));
        var latest = await Docker.InspectImageAsync($"{_registry.Repository}:latest", Timeout());
        var digestReference = latest!["RepoDigests"]!.AsArray().Select(d => d!.ToString()).Single(d => d.StartsWith(_registry.Repository + "@", StringComparison.Ordinal));
        await Docker.PullImageAsync(digestReference, null, Timeout(60));
        var byDigest = await Docker.InspectImageAsync(digestReference, Timeout());

        Assert.Equal(latest["Id"]!.ToString(), byDigest!["Id"]!.ToString());
    }

    [Fact]
    public async Task Pulling_an_unknown_tag_fails_with_the_registrys_message()
    {
        var error = await Assert.ThrowsAsync<DockerException>(() => Docker.PullImageAsync($"{_registry.Repository}:absent-{TestId}", null, Timeout(60)));

        Assert.Contains("manifest unknown", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_error_line_in_the_progress_stream_is_thrown_with_its_message()
    {
        var progress = """
            {"status":"Pulling from team/app","id":"v1"}
            {"status":"Downloading","progressDetail":{"current":10,"total":20},"id":"abc"}{"errorDetail":{"message":"unauthorized: authentication required"},"error":"unauthorized: authentication required"}
            {"status":"never read"}
            """u8.ToArray();
        using var stream = new MemoryStream(progress);

        var error = await Assert.ThrowsAsync<DockerException>(() => DockerClient.ReadPullProgressAsync(stream, Timeout()));

        Assert.Equal("unauthorized: authentication required", error.Message);
    }

    [Fact]
    public async Task A_progress_stream_without_errors_is_read_to_its_end()
    {
        using var stream = new MemoryStream("""{"status":"Pulling"}{"status":"Digest: sha256:00"}"""u8.ToArray());

        await DockerClient.ReadPullProgressAsync(stream, Timeout());

        Assert.Equal(stream.Length, stream.Position);
    }

    private async Task RemoveLocalAsync(string image)
    {
        if (await Docker.InspectImageAsync(image, Timeout()) is not null)
        {
            await TestImage.DockerCliAsync("rmi", image);
        }
    }
}
