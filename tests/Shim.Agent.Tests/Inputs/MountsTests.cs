using System.Text.Json.Nodes;
using Shim.Agent.Pods.Inputs;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Inputs;

public sealed class MountsTests : IDisposable
{
    private const string PodUid = "0b7f6d0e-1c1e-4a57-a1c4-000000000005";

    private const string Volumes = """
        - name: config
          configMap: {name: web-config}
        - name: scratch
          emptyDir: {}
        - name: docker-sock-dir
          hostPath: {path: /run}
        """;

    private readonly TempDirectory _temp = new();

    private readonly FakeCluster _cluster = new FakeCluster().AddConfigMap("""
        metadata: {name: web-config, namespace: shop}
        data: {nginx.conf: "worker_processes 1;"}
        """);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task VolumeMountsBecomeDockerBindMountsWithReadOnlyAndPropagation()
    {
        var volumes = await PrepareAsync();
        var container = Manifest.Parse<Container>("""
            name: app
            volumeMounts:
            - {name: config, mountPath: /etc/nginx}
            - {name: scratch, mountPath: /tmp/scratch}
            - {name: scratch, mountPath: /cache, readOnly: true, mountPropagation: None}
            - {name: docker-sock-dir, mountPath: /host/run, mountPropagation: HostToContainer}
            - {name: docker-sock-dir, mountPath: relative, mountPropagation: Bidirectional}
            """);

        var mounts = ContainerInputs.Mounts(container, volumes);

        var config = volumes["config"].HostPath;
        var scratch = volumes["scratch"].HostPath;
        Assert.Equal(
            """
            [{"Type":"bind","Source":"CONFIG","Target":"/etc/nginx","ReadOnly":true,"BindOptions":{"Propagation":"rprivate"}},{"Type":"bind","Source":"SCRATCH","Target":"/tmp/scratch","ReadOnly":false,"BindOptions":{"Propagation":"rprivate"}},{"Type":"bind","Source":"SCRATCH","Target":"/cache","ReadOnly":true,"BindOptions":{"Propagation":"rprivate"}},{"Type":"bind","Source":"/run","Target":"/host/run","ReadOnly":false,"BindOptions":{"Propagation":"rslave"}},{"Type":"bind","Source":"/run","Target":"/relative","ReadOnly":false,"BindOptions":{"Propagation":"rshared"}}]
            """.Replace("CONFIG", config, StringComparison.Ordinal).Replace("SCRATCH", scratch, StringComparison.Ordinal),
            mounts.ToJsonString());
    }

    [Fact]
    public async Task SubPathsAreCreatedInsideTheVolumeAndAConfigMapKeyBindsItsFile()
    {
        var volumes = await PrepareAsync();
        var container = Manifest.Parse<Container>("""
            name: app
            volumeMounts:
            - {name: scratch, mountPath: /var/lib/app, subPath: app/data}
            - {name: config, mountPath: /etc/nginx/nginx.conf, subPath: nginx.conf}
            """);

        var mounts = ContainerInputs.Mounts(container, volumes);

        var scratchSubPath = Path.Join(volumes["scratch"].HostPath, "app", "data");
        Assert.Equal(scratchSubPath, Source(mounts[0]));
        Assert.True(Directory.Exists(scratchSubPath));
        Assert.Equal(Host.Mode("777"), Host.ModeOf(scratchSubPath));
        var configFile = Source(mounts[1]);
        Assert.StartsWith(volumes["config"].HostPath + "/..", configFile, StringComparison.Ordinal);
        Assert.Equal("worker_processes 1;", await File.ReadAllTextAsync(configFile));
        Assert.True(mounts[1]!["ReadOnly"]!.GetValue<bool>());
    }

    [Fact]
    public async Task SubPathExprExpandsTheContainersEnvironment()
    {
        var volumes = await PrepareAsync();
        var container = Manifest.Parse<Container>("""
            name: app
            volumeMounts:
            - {name: scratch, mountPath: /logs, subPathExpr: "logs/$(POD_NAME)"}
            """);

        var mounts = ContainerInputs.Mounts(container, volumes, ["POD_NAME=web-0"]);
        var missing = Assert.Throws<PodInputException>(() => ContainerInputs.Mounts(container, volumes, ["OTHER=x"]));

        Assert.Equal(Path.Join(volumes["scratch"].HostPath, "logs", "web-0"), Source(mounts[0]));
        Assert.Equal("CreateContainerConfigError", missing.Reason);
        Assert.Equal("missing value for POD_NAME", missing.Message);
    }

    [Theory]
    [InlineData("{name: ghost, mountPath: /x}", "cannot find volume \"ghost\" to mount into container \"app\"")]
    [InlineData("{name: scratch, mountPath: /x, subPath: /etc}", "error SubPath `/etc` must not be an absolute path")]
    [InlineData("{name: scratch, mountPath: /x, subPath: a/../../b}", "unable to provision SubPath `a/../../b`: must not contain '..'")]
    [InlineData("{name: scratch, mountPath: /x, subPath: escape/etc}", "failed to prepare subPath for volumeMount \"scratch\" of container \"app\"")]
    [InlineData("{name: scratch, mountPath: /x, mountPropagation: Sideways}", "invalid MountPropagation mode: \"Sideways\"")]
    public async Task BadMountsAreACreateContainerConfigError(string volumeMount, string message)
    {
        var volumes = await PrepareAsync();
        // A symlink a container could have planted in its emptyDir, pointing at the host's root.
        Directory.CreateSymbolicLink(Path.Join(volumes["scratch"].HostPath, "escape"), "/");
        var container = Manifest.Parse<Container>($"name: app\nvolumeMounts: [{volumeMount}]");

        var error = Assert.Throws<PodInputException>(() => ContainerInputs.Mounts(container, volumes));

        Assert.Equal("CreateContainerConfigError", error.Reason);
        Assert.Equal(message, error.Message);
        Assert.False(Directory.Exists("/etc/etc"));
    }

    private static string Source(JsonNode? mount) => mount!["Source"]!.GetValue<string>();

    private Task<IReadOnlyDictionary<string, PreparedVolume>> PrepareAsync() =>
        new PodVolumes(_cluster, _temp.PodsRoot).PrepareAsync(TestPods.WithVolumes(PodUid, Volumes), CancellationToken.None);
}
