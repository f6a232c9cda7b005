namespace Shim.Docker.Tests;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("busybox", "busybox", "latest", null, "docker.io", "library/busybox")]
    [InlineData("busybox:1.35", "busybox", "1.35", null, "docker.io", "library/busybox")]
    [InlineData("team/app:v2", "team/app", "v2", null, "docker.io", "team/app")]
    [InlineData("docker.io/library/nginx", "docker.io/library/nginx", "latest", null, "docker.io", "library/nginx")]
    [InlineData("index.docker.io/nginx:1", "index.docker.io/nginx", "1", null, "docker.io", "library/nginx")]
    [InlineData("registry:5000/team/app", "registry:5000/team/app", "latest", null, "registry:5000", "team/app")]
    [InlineData("registry:5000/team/app:1.2", "registry:5000/team/app", "1.2", null, "registry:5000", "team/app")]
    [InlineData("localhost/app", "localhost/app", "latest", null, "localhost", "app")]
    [InlineData("Quay.IO/org/app:x", "Quay.IO/org/app", "x", null, "quay.io", "org/app")]
    [InlineData("app@sha256:abc123", "app", null, "sha256:abc123", "docker.io", "library/app")]
    [InlineData("registry:5000/app:1.2@sha256:abc123", "registry:5000/app", "1.2", "sha256:abc123", "registry:5000", "app")]
    public void Names_split_into_repository_tag_digest_and_registry(string image, string repository, string? tag, string? digest, string registry, string path)
    {
        var reference = ImageReference.Parse(image);

        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(digest, reference.Digest);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(path, reference.Path);
        Assert.Equal(digest ?? tag, reference.TagOrDigest);
    }

    [Theory]
    [InlineData("app:")]
    [InlineData("app@")]
    [InlineData(":tag")]
    public void Malformed_names_are_refused(string image)
    {
        Assert.Throws<ArgumentException>(() => ImageReference.Parse(image));
    }
}
