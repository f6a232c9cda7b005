using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>Image pulls from the lab's private registry (10.77.0.1:5000, basic auth) with and without imagePullSecrets.</summary>
[Collection("lab")]
public sealed class ImagePullTests(LabCluster cluster)
{
    private const string PrivateImage = "10.77.0.1:5000/private/busybox:1.35";

    [Fact]
    public async Task A_private_image_pulls_only_with_its_pull_secret()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "pull");
        await ns.ApplyAsync(Pod("anonymous", secret: null));
        var reason = await ns.WaitForAsync("pod/anonymous", "{.status.containerStatuses[0].state.waiting.reason}",
            r => r is "ErrImagePull" or "ImagePullBackOff", "a pull failure without credentials");
        Assert.Contains(reason, new[] { "ErrImagePull", "ImagePullBackOff" });
        var failed = await ns.WaitForEventAsync("anonymous", "Failed", PrivateImage);
        Assert.Contains("no basic auth credentials", failed.Message, StringComparison.Ordinal);

        await ns.OkAsync("create", "secret", "docker-registry", "regcred", "--docker-server=10.77.0.1:5000",
            "--docker-username=shim", "--docker-password=lab-secret");
        await ns.ApplyAsync(Pod("authorized", secret: "regcred"));
        await ns.WaitForReadyAsync("authorized");
        await ns.WaitForEventAsync("authorized", "Pulling", $"Pulling image \"{PrivateImage}\"");
        var pulled = await ns.WaitForEventAsync("authorized", "Pulled", "Successfully pulled image");
        Assert.Contains(PrivateImage, pulled.Message, StringComparison.Ordinal);
        var imageId = await ns.GetAsync("pod/authorized", "{.status.containerStatuses[0].imageID}");
        Assert.StartsWith("docker-pullable://10.77.0.1:5000/private/busybox@sha256:", imageId, StringComparison.Ordinal);
        Assert.Equal("private", (await ns.ExecAsync("authorized", null, "echo", "private")).Stdout.Trim());
    }

    [Fact]
    public async Task A_wrong_password_is_reported_as_a_pull_failure()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "pullbad");
        await ns.OkAsync("create", "secret", "docker-registry", "badcred", "--docker-server=10.77.0.1:5000",
            "--docker-username=shim", "--docker-password=wrong");
        await ns.ApplyAsync(Pod("denied", secret: "badcred"));
        await ns.WaitForAsync("pod/denied", "{.status.containerStatuses[0].state.waiting.reason}",
            r => r is "ErrImagePull" or "ImagePullBackOff", "a pull failure with wrong credentials");
        var failed = await ns.WaitForEventAsync("denied", "Failed", PrivateImage);
        Assert.Contains("unauthorized", failed.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static string Pod(string name, string? secret) => $$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{name}}}
        spec:
          {{(secret is null ? "" : $"imagePullSecrets: [{{name: {secret}}}]")}}
          containers:
          - name: app
            image: {{PrivateImage}}
            imagePullPolicy: Always
            command: ["sleep", "3600"]
        """;
}
