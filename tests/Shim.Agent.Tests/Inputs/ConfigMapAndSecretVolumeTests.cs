using Shim.Agent.Pods.Inputs;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Inputs;

public sealed class ConfigMapAndSecretVolumeTests : IDisposable
{
    private const string PodUid = "0b7f6d0e-1c1e-4a57-a1c4-000000000001";

    private readonly TempDirectory _temp = new();

    private readonly FakeCluster _cluster = new FakeCluster()
        .AddConfigMap("""
            metadata: {name: web-config, namespace: shop}
            data:
              nginx.conf: "worker_processes 1;"
              mime.types: "text/html html;"
            binaryData:
              logo.png: iVBORw0K
            """)
        .AddSecret("""
            metadata: {name: tls, namespace: shop}
            type: kubernetes.io/tls
            data:
              tls.crt: Y2VydA==
              tls.key: a2V5
            """);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ConfigMapKeysBecomeFilesBehindTheAtomicWritersLinks()
    {
        var volumes = await PrepareAsync("""
            - name: config
              configMap: {name: web-config}
            """);

        var config = volumes["config"];
        Assert.Equal(Path.Join(_temp.PodsRoot, PodUid, "volumes", "kubernetes.io~configmap", "config"), config.HostPath);
        Assert.True(config.ReadOnly);
        Assert.Equal("worker_processes 1;", File.ReadAllText(Path.Join(config.HostPath, "nginx.conf")));
        Assert.Equal("text/html html;", File.ReadAllText(Path.Join(config.HostPath, "mime.types")));
        Assert.Equal(Convert.FromBase64String("iVBORw0K"), File.ReadAllBytes(Path.Join(config.HostPath, "logo.png")));

        // key -> ..data/key, ..data -> ..<timestamp>, the files themselves 0644 (the default defaultMode).
        Assert.Equal("..data/nginx.conf", new FileInfo(Path.Join(config.HostPath, "nginx.conf")).LinkTarget);
        var version = new FileInfo(Path.Join(config.HostPath, "..data")).LinkTarget;
        Assert.Matches(@"^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d{9}$", version);
        Assert.Equal(Host.Mode("644"), Host.ModeOf(Path.Join(config.HostPath, version, "nginx.conf")));
        Assert.Equal(
            [version, "..data", "logo.png", "mime.types", "nginx.conf"],
            Directory.EnumerateFileSystemEntries(config.HostPath).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ItemsChooseKeysPathsAndModes()
    {
        var volumes = await PrepareAsync("""
            - name: config
              configMap:
                name: web-config
                defaultMode: 0600
                items:
                - {key: nginx.conf, path: conf/nginx.conf}
                - {key: logo.png, path: static/logo.png, mode: 0444}
            - name: certs
              secret:
                secretName: tls
                defaultMode: 0400
                items:
                - {key: tls.key, path: private/key.pem}
            """);

        var config = volumes["config"].HostPath;
        Assert.Equal("worker_processes 1;", File.ReadAllText(Path.Join(config, "conf", "nginx.conf")));
        Assert.Equal(Host.Mode("600"), Host.ModeOf(Path.Join(config, "..data", "conf", "nginx.conf")));
        Assert.Equal(Host.Mode("444"), Host.ModeOf(Path.Join(config, "..data", "static", "logo.png")));
        Assert.False(File.Exists(Path.Join(config, "mime.types")));
        Assert.Equal("..data/conf", new FileInfo(Path.Join(config, "conf")).LinkTarget);

        var certs = volumes["certs"];
        Assert.Equal(Path.Join(_temp.PodsRoot, PodUid, "volumes", "kubernetes.io~secret", "certs"), certs.HostPath);
        Assert.True(certs.ReadOnly);
        Assert.Equal("key", File.ReadAllText(Path.Join(certs.HostPath, "private", "key.pem")));
        Assert.Equal(Host.Mode("400"), Host.ModeOf(Path.Join(certs.HostPath, "..data", "private", "key.pem")));
        Assert.False(File.Exists(Path.Join(certs.HostPath, "tls.crt")));
    }

    [Fact]
    public async Task PreparingAgainRefreshesContentInTheSameDirectoryAndSwapsOnlyWhenItChanged()
    {
        const string spec = """
            - name: config
              configMap: {name: web-config}
            """;
        var config = (await PrepareAsync(spec))["config"].HostPath;
        var firstVersion = new FileInfo(Path.Join(config, "..data")).LinkTarget;

        // Unchanged: nothing is rewritten.
        Assert.Equal(config, (await PrepareAsync(spec))["config"].HostPath);
        Assert.Equal(firstVersion, new FileInfo(Path.Join(config, "..data")).LinkTarget);

        // A container that bound the volume directory resolves names through ..data, so it sees the update.
        _cluster.AddConfigMap("""
            metadata: {name: web-config, namespace: shop}
            data:
              nginx.conf: "worker_processes 4;"
              extra.conf: "gzip on;"
            """);
        Assert.Equal(config, (await PrepareAsync(spec))["config"].HostPath);

        var secondVersion = new FileInfo(Path.Join(config, "..data")).LinkTarget;
        Assert.NotEqual(firstVersion, secondVersion);
        Assert.Equal("worker_processes 4;", File.ReadAllText(Path.Join(config, "nginx.conf")));
        Assert.Equal("gzip on;", File.ReadAllText(Path.Join(config, "extra.conf")));
        Assert.False(Host.EntryExists(Path.Join(config, "mime.types")));
        Assert.False(Host.EntryExists(Path.Join(config, "logo.png")));
        Assert.False(Directory.Exists(Path.Join(config, firstVersion)));
        Assert.False(Host.EntryExists(Path.Join(config, "..data_tmp")));
    }

    [Fact]
    public async Task ASecretUpdateReachesABindMountOfTheVolumeLikeARunningContainers()
    {
        const string spec = """
            - name: certs
              secret: {secretName: tls}
            """;
        var certs = (await PrepareAsync(spec))["certs"].HostPath;
        // What Docker does for a running container: bind the volume directory elsewhere (disposal unmounts it).
        var bound = Directory.CreateDirectory(Path.Join(_temp.Path, "container-view")).FullName;
        await Host.RunAsync("mount", "--bind", certs, bound);
        Assert.Equal("cert", File.ReadAllText(Path.Join(bound, "tls.crt")));

        _cluster.AddSecret("""
            metadata: {name: tls, namespace: shop}
            data: {tls.crt: bmV3LWNlcnQ=, tls.key: a2V5}
            """);
        await PrepareAsync(spec);

        Assert.Equal("new-cert", File.ReadAllText(Path.Join(bound, "tls.crt")));
        Assert.Equal("key", File.ReadAllText(Path.Join(bound, "tls.key")));
    }

    [Fact]
    public async Task OptionalMissingSourcesGiveAnEmptyVolume()
    {
        var volumes = await PrepareAsync("""
            - name: config
              configMap: {name: absent, optional: true}
            - name: certs
              secret:
                secretName: tls
                optional: true
                items: [{key: absent, path: x}, {key: tls.crt, path: crt}]
            """);

        var config = volumes["config"].HostPath;
        Assert.Equal(["..data"], Directory.EnumerateFileSystemEntries(config).Select(Path.GetFileName).Where(n => !n!.StartsWith("..2", StringComparison.Ordinal)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Join(config, "..data")));
        Assert.Equal("cert", File.ReadAllText(Path.Join(volumes["certs"].HostPath, "crt")));
    }

    [Theory]
    [InlineData("configMap: {name: absent}", "MountVolume.SetUp failed for volume \"v\" : configmap \"absent\" not found")]
    [InlineData("secret: {secretName: absent}", "MountVolume.SetUp failed for volume \"v\" : secret \"absent\" not found")]
    [InlineData("configMap: {name: web-config, items: [{key: absent, path: x}]}", "MountVolume.SetUp failed for volume \"v\" : configmap references non-existent config key: absent")]
    [InlineData("secret: {secretName: tls, items: [{key: absent, path: x}]}", "MountVolume.SetUp failed for volume \"v\" : references non-existent secret key: absent")]
    [InlineData("configMap: {name: web-config, items: [{key: nginx.conf, path: ../escape}]}", "MountVolume.SetUp failed for volume \"v\" : invalid path: must not contain '..': ../escape")]
    public async Task AMissingRequiredSourceIsAFailedMount(string source, string message)
    {
        var error = await Assert.ThrowsAsync<PodInputException>(() => PrepareAsync($"- name: v\n  {source}\n"));

        Assert.Equal("FailedMount", error.Reason);
        Assert.Equal(message, error.Message);
    }

    private Task<IReadOnlyDictionary<string, PreparedVolume>> PrepareAsync(string volumesYaml) =>
        new PodVolumes(_cluster, _temp.PodsRoot).PrepareAsync(TestPods.WithVolumes(PodUid, volumesYaml), CancellationToken.None);
}
