using Shim.Scheduler.Resources;
using Shim.Scheduler.Tests.Support;

namespace Shim.Scheduler.Tests.Snapshot;

public class PodRequestsTests
{
    [Fact]
    public void ContainersAddUpAndInitContainersTakeTheMaximum()
    {
        var pod = Manifests.Pod("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: default}
            spec:
              initContainers:
              - name: migrate
                image: migrate
                resources: {requests: {cpu: "2", memory: 256Mi}}
              - name: warmup
                image: warmup
                resources: {requests: {cpu: 500m, memory: 2Gi}}
              containers:
              - name: app
                image: app
                resources: {requests: {cpu: 500m, memory: 512Mi}}
              - name: proxy
                image: proxy
                resources: {requests: {cpu: 250m, memory: 128Mi}}
            """);

        var requests = PodRequests.Effective(pod);

        Assert.Equal(2000, requests.MilliCpu); // max(750m of containers, 2 of migrate)
        Assert.Equal(2L << 30, requests.Memory); // max(640Mi of containers, 2Gi of warmup)
    }

    [Fact]
    public void SidecarsRunBesideLaterInitContainersAndTheApp()
    {
        var pod = Manifests.Pod("""
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: default}
            spec:
              initContainers:
              - name: log-shipper
                image: shipper
                restartPolicy: Always
                resources: {requests: {cpu: 200m}}
              - name: migrate
                image: migrate
                resources: {requests: {cpu: "1"}}
              containers:
              - name: app
                image: app
                resources: {requests: {cpu: 500m}}
            """);

        // Init phase peaks at sidecar + migrate = 1200m; running phase is app + sidecar = 700m.
        Assert.Equal(1200, PodRequests.Effective(pod).MilliCpu);
    }

    [Fact]
    public void OverheadIsAddedOnTop()
    {
        var pod = Manifests.Pod("""
            apiVersion: v1
            kind: Pod
            metadata: {name: sandboxed, namespace: default}
            spec:
              overhead: {cpu: 250m, memory: 120Mi}
              containers:
              - name: app
                image: app
                resources: {requests: {cpu: 500m, memory: 1Gi, example.com/fpga: "1"}}
            """);

        var requests = PodRequests.Effective(pod);

        Assert.Equal(750, requests.MilliCpu);
        Assert.Equal((1L << 30) + (120L << 20), requests.Memory);
        Assert.Equal(1, requests.Get("example.com/fpga"));
    }

    [Fact]
    public void MissingRequestsAreZeroForFitButDefaultedForScoring()
    {
        var pod = Manifests.Pod("""
            apiVersion: v1
            kind: Pod
            metadata: {name: besteffort, namespace: default}
            spec:
              containers:
              - {name: a, image: app}
              - name: b
                image: app
                resources: {requests: {cpu: "0"}}
            """);

        Assert.True(PodRequests.Effective(pod).IsZero);
        var nonZero = PodRequests.NonZero(pod);
        Assert.Equal(100, nonZero.MilliCpu); // an explicit "0" stays zero; only the missing request is defaulted
        Assert.Equal(2 * 200L * 1024 * 1024, nonZero.Memory);
    }

    [Fact]
    public void PodLevelRequestsReplaceTheContainerTotal()
    {
        var pod = Manifests.Pod("""
            apiVersion: v1
            kind: Pod
            metadata: {name: pod-level, namespace: default}
            spec:
              resources: {requests: {cpu: "1"}}
              containers:
              - name: app
                image: app
                resources: {requests: {cpu: 200m, memory: 64Mi}}
            """);

        var requests = PodRequests.Effective(pod);

        Assert.Equal(1000, requests.MilliCpu);
        Assert.Equal(64L << 20, requests.Memory);
    }
}
