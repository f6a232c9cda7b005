using Shim.Agent.Pods.Inputs;

namespace Shim.Agent.Tests.Inputs;

public sealed class EmptyDirAndClaimVolumeTests : IDisposable
{
    private const string PodUid = "0b7f6d0e-1c1e-4a57-a1c4-000000000004";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task AnEmptyDirIsAWorldWritableDirectoryWhoseContentSurvivesRepreparation()
    {
        const string spec = """
            - name: scratch
              emptyDir: {}
            """;
        var scratch = (await PrepareAsync(spec))["scratch"];
        await File.WriteAllTextAsync(Path.Join(scratch.HostPath, "work"), "in progress");

        Assert.Equal(scratch, (await PrepareAsync(spec))["scratch"]);
        Assert.Equal(Path.Join(_temp.PodsRoot, PodUid, "volumes", "kubernetes.io~empty-dir", "scratch"), scratch.HostPath);
        Assert.False(scratch.ReadOnly);
        Assert.Equal(Host.Mode("777"), Host.ModeOf(scratch.HostPath));
        Assert.Equal("in progress", await File.ReadAllTextAsync(Path.Join(scratch.HostPath, "work")));
        Assert.Empty(Mounts.Under(_temp.Path));
    }

    [Fact]
    public async Task AMemoryEmptyDirIsOneTmpfsOfTheSizeLimitUntilCleanup()
    {
        const string spec = """
            - name: cache
              emptyDir: {medium: Memory, sizeLimit: 64Mi}
            """;
        var podVolumes = new PodVolumes(new FakeCluster(), _temp.PodsRoot);
        var cache = (await podVolumes.PrepareAsync(TestPods.WithVolumes(PodUid, spec), CancellationToken.None))["cache"];
        await File.WriteAllTextAsync(Path.Join(cache.HostPath, "hot"), "data");
        await podVolumes.PrepareAsync(TestPods.WithVolumes(PodUid, spec), CancellationToken.None);

        var mount = Assert.Single(Mounts.Details(_temp.Path));
        Assert.Equal(cache.HostPath, mount.MountPoint);
        Assert.Equal("tmpfs", mount.Type);
        Assert.Contains("size=65536k", mount.Options.Split(','));
        Assert.Equal("data", await File.ReadAllTextAsync(Path.Join(cache.HostPath, "hot")));

        await podVolumes.CleanupAsync(PodUid, CancellationToken.None);

        Assert.Empty(Mounts.Details(_temp.Path));
        Assert.False(Directory.Exists(Path.Join(_temp.PodsRoot, PodUid)));
    }

    [Fact]
    public async Task CleanupDeletesThePodDirectoryWithoutFollowingSymlinksOutOfIt()
    {
        var outside = Directory.CreateDirectory(Path.Join(_temp.Path, "precious")).FullName;
        await File.WriteAllTextAsync(Path.Join(outside, "keep"), "x");
        var podVolumes = new PodVolumes(new FakeCluster(), _temp.PodsRoot);
        var scratch = (await podVolumes.PrepareAsync(TestPods.WithVolumes(PodUid, "- {name: scratch, emptyDir: {}}"), CancellationToken.None))["scratch"];
        Directory.CreateSymbolicLink(Path.Join(scratch.HostPath, "link-to-host"), outside);

        await podVolumes.CleanupAsync(PodUid, CancellationToken.None);
        await podVolumes.CleanupAsync(PodUid, CancellationToken.None);

        Assert.False(Directory.Exists(Path.Join(_temp.PodsRoot, PodUid)));
        Assert.Equal("x", await File.ReadAllTextAsync(Path.Join(outside, "keep")));
    }

    [Fact]
    public async Task AClaimIsANodeLocalDirectoryThatOutlivesThePod()
    {
        const string spec = """
            - name: data
              persistentVolumeClaim: {claimName: data-db-0}
            - name: shared
              persistentVolumeClaim: {claimName: shared, readOnly: true}
            """;
        var podVolumes = new PodVolumes(new FakeCluster(), _temp.PodsRoot);
        var data = (await podVolumes.PrepareAsync(TestPods.WithVolumes(PodUid, spec), CancellationToken.None))["data"];
        await File.WriteAllTextAsync(Path.Join(data.HostPath, "table"), "rows");
        await podVolumes.CleanupAsync(PodUid, CancellationToken.None);

        const string replacementUid = "0b7f6d0e-1c1e-4a57-a1c4-0000000000ff";
        var replacement = await podVolumes.PrepareAsync(TestPods.WithVolumes(replacementUid, spec), CancellationToken.None);

        Assert.Equal(new PreparedVolume(Path.Join(_temp.Path, "volumes", "pvc", "shop", "data-db-0"), ReadOnly: false), replacement["data"]);
        Assert.Equal("rows", await File.ReadAllTextAsync(Path.Join(replacement["data"].HostPath, "table")));
        Assert.True(replacement["shared"].ReadOnly);
        Assert.True(Directory.Exists(replacement["shared"].HostPath));
    }

    [Theory]
    [InlineData("nfs: {server: nas, path: /exports}", "nfs")]
    [InlineData("csi: {driver: ebs.csi.aws.com}", "csi")]
    [InlineData("emptyDir: {medium: HugePages}", "emptyDir medium \"HugePages\"")]
    public async Task VolumeTypesThisNodeCannotProvideAreAFailedMount(string source, string named)
    {
        var error = await Assert.ThrowsAsync<PodInputException>(() => PrepareAsync($"- name: remote\n  {source}\n"));

        Assert.Equal("FailedMount", error.Reason);
        Assert.StartsWith("MountVolume.SetUp failed for volume \"remote\" : ", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private Task<IReadOnlyDictionary<string, PreparedVolume>> PrepareAsync(string volumesYaml) =>
        new PodVolumes(new FakeCluster(), _temp.PodsRoot).PrepareAsync(TestPods.WithVolumes(PodUid, volumesYaml), CancellationToken.None);
}
