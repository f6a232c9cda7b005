using Shim.Agent.Pods.Inputs;
using Shim.Model;

namespace Shim.Agent.Tests.Inputs;

public sealed class DownwardApiAndProjectedVolumeTests : IDisposable
{
    private const string PodUid = "0b7f6d0e-1c1e-4a57-a1c4-000000000002";

    private const string Containers = """
        - name: app
          image: busybox
          resources:
            limits: {cpu: 500m, memory: 256Mi}
        - name: sidecar
          image: busybox
        """;

    private readonly TempDirectory _temp = new();

    private readonly FakeCluster _cluster = new FakeCluster()
        .AddConfigMap("""
            metadata: {name: kube-root-ca.crt, namespace: shop}
            data: {ca.crt: "-----BEGIN CERTIFICATE-----"}
            """)
        .AddSecret("""
            metadata: {name: api-key, namespace: shop}
            data: {key: c2VjcmV0}
            """);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task DownwardApiFilesRenderFieldsAndResourcesLikeTheKubelet()
    {
        var volumes = await PrepareAsync("""
            - name: podinfo
              downwardAPI:
                items:
                - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                - {path: annotations, fieldRef: {fieldPath: metadata.annotations}}
                - {path: note, fieldRef: {fieldPath: "metadata.annotations['note']"}}
                - {path: meta/name, fieldRef: {fieldPath: metadata.name}, mode: 0600}
                - {path: meta/uid, fieldRef: {fieldPath: metadata.uid}}
                - {path: cpu_limit_millis, resourceFieldRef: {containerName: app, resource: limits.cpu, divisor: 1m}}
                - {path: mem_limit_mi, resourceFieldRef: {containerName: app, resource: limits.memory, divisor: 1Mi}}
                - {path: sidecar_mem_limit_mi, resourceFieldRef: {containerName: sidecar, resource: limits.memory, divisor: 1Mi}}
            """, new Dictionary<string, Quantity> { ["memory"] = "2Gi" });

        var podInfo = volumes["podinfo"];
        Assert.Equal(Path.Join(_temp.PodsRoot, PodUid, "volumes", "kubernetes.io~downward-api", "podinfo"), podInfo.HostPath);
        Assert.True(podInfo.ReadOnly);
        Assert.Equal("app=\"web\"\ntier=\"front end\"", Read(podInfo, "labels"));
        Assert.Equal("note=\"say \\\"hi\\\"\\n\"", Read(podInfo, "annotations"));
        Assert.Equal("say \"hi\"\n", Read(podInfo, "note"));
        Assert.Equal("web", Read(podInfo, "meta/name"));
        Assert.Equal(Host.Mode("600"), Host.ModeOf(Path.Join(podInfo.HostPath, "..data", "meta", "name")));
        Assert.Equal(Host.Mode("644"), Host.ModeOf(Path.Join(podInfo.HostPath, "..data", "meta", "uid")));
        Assert.Equal(PodUid, Read(podInfo, "meta/uid"));
        Assert.Equal("500", Read(podInfo, "cpu_limit_millis"));
        Assert.Equal("256", Read(podInfo, "mem_limit_mi"));
        Assert.Equal("2048", Read(podInfo, "sidecar_mem_limit_mi"));
    }

    [Fact]
    public async Task LabelChangesAreWrittenOnTheNextPreparation()
    {
        const string spec = """
            - name: podinfo
              downwardAPI:
                items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]
            """;
        var pod = TestPods.WithVolumes(PodUid, spec, Containers);
        var podVolumes = new PodVolumes(_cluster, _temp.PodsRoot);
        var podInfo = (await podVolumes.PrepareAsync(pod, CancellationToken.None))["podinfo"];

        pod.Metadata!.Labels!["tier"] = "back";
        await podVolumes.PrepareAsync(pod, CancellationToken.None);

        Assert.Equal("app=\"web\"\ntier=\"back\"", Read(podInfo, "labels"));
    }

    [Fact]
    public async Task ProjectedVolumesMergeSourcesAndWriteNothingForTokens()
    {
        var volumes = await PrepareAsync("""
            - name: kube-api-access
              projected:
                defaultMode: 0440
                sources:
                - serviceAccountToken: {path: token, expirationSeconds: 3607}
                - configMap:
                    name: kube-root-ca.crt
                    items: [{key: ca.crt, path: ca.crt}]
                - secret: {name: api-key}
                - secret: {name: absent, optional: true}
                - downwardAPI:
                    items: [{path: namespace, fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}}]
            """);

        var access = volumes["kube-api-access"];
        Assert.Equal(Path.Join(_temp.PodsRoot, PodUid, "volumes", "kubernetes.io~projected", "kube-api-access"), access.HostPath);
        Assert.True(access.ReadOnly);
        Assert.Equal("-----BEGIN CERTIFICATE-----", Read(access, "ca.crt"));
        Assert.Equal("secret", Read(access, "key"));
        Assert.Equal("shop", Read(access, "namespace"));
        Assert.False(Host.EntryExists(Path.Join(access.HostPath, "token")));
        Assert.Equal(Host.Mode("440"), Host.ModeOf(Path.Join(access.HostPath, "..data", "ca.crt")));
    }

    [Fact]
    public async Task AProjectedSourceThatIsMissingIsAFailedMount()
    {
        var error = await Assert.ThrowsAsync<PodInputException>(() => PrepareAsync("""
            - name: combined
              projected:
                sources: [{configMap: {name: absent}}]
            """));

        Assert.Equal("FailedMount", error.Reason);
        Assert.Equal("MountVolume.SetUp failed for volume \"combined\" : configmap \"absent\" not found", error.Message);
    }

    private static string Read(PreparedVolume volume, string path) => File.ReadAllText(Path.Join(volume.HostPath, path));

    private Task<IReadOnlyDictionary<string, PreparedVolume>> PrepareAsync(string volumesYaml, IReadOnlyDictionary<string, Quantity>? nodeAllocatable = null) =>
        new PodVolumes(_cluster, _temp.PodsRoot) { NodeAllocatable = nodeAllocatable }
            .PrepareAsync(TestPods.WithVolumes(PodUid, volumesYaml, Containers), CancellationToken.None);
}
