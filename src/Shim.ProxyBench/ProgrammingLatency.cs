using System.Diagnostics;
using System.Globalization;
using Shim.Client;
using Shim.Model.Core.V1;
using Shim.Model.Discovery.V1;
using Shim.Model.Meta.V1;

namespace Shim.ProxyBench;

/// <summary>
/// Network programming latency on a running cluster: for each sample a new pod behind a ClusterIP service, then the
/// time from the moment the API shows it Ready until (a) the service's EndpointSlice lists it and (b) an HTTP request
/// to the cluster IP, sent from this host, is answered by it. The previous sample's pod is deleted first, so only the
/// new pod can answer. The reference is the pod's own IP, asked the same way from the same moment. The image must answer GET / on port 80 with the pod's hostname (shim/web:1 does).
/// </summary>
public static class ProgrammingLatency
{
    private const string Namespace = "default";
    private const string App = "shim-bench-latency";
    private static readonly TimeSpan SampleTimeout = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(string kubeconfig, int samples, string image)
    {
        using var client = new KubeClient(ClientCredentials.FromKubeconfig(kubeconfig), "shim-proxybench");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30) + (samples * 2 * SampleTimeout));
        var token = cancel.Token;
        var service = await client.CreateAsync(ResourcePath.For<Service>(Namespace), new Service
        {
            Metadata = new ObjectMeta { Name = App },
            Spec = new ServiceSpec
            {
                Selector = new() { ["app"] = App },
                Ports = [new ServicePort { Port = 80, TargetPort = 80 }],
            },
        }, token);
        var clusterIp = service.Spec!.ClusterIP!;
        List<double> toPod = [];
        List<double> toSlice = [];
        List<double> toTraffic = [];
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, ConnectTimeout = TimeSpan.FromMilliseconds(500) })
        {
            Timeout = TimeSpan.FromSeconds(1),
        };
        try
        {
            for (var i = 0; i < samples; i++)
            {
                var name = $"{App}-{i}";
                (double slice, double direct, double traffic) = await SampleAsync(client, http, name, clusterIp, image, token);
                toSlice.Add(slice);
                toPod.Add(direct);
                toTraffic.Add(traffic);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sample {i + 1,3}: Ready -> pod IP answers {direct,5:F0} ms, -> EndpointSlice {slice,5:F0} ms, -> cluster IP answers {traffic,5:F0} ms"));
                await client.DeleteAsync(ResourcePath.For<Pod>(Namespace, name), new DeleteOptions { GracePeriodSeconds = 0 }, token);
            }
        }
        finally
        {
            await client.DeleteAsync(ResourcePath.For<Service>(Namespace, App), null, CancellationToken.None);
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{samples} pods: Ready -> pod IP answers (reference) p50 {Percentile(toPod, 50):F0} ms p99 {Percentile(toPod, 99):F0} ms; Ready -> EndpointSlice p50 {Percentile(toSlice, 50):F0} ms p99 {Percentile(toSlice, 99):F0} ms; " +
            $"Ready -> traffic through the cluster IP p50 {Percentile(toTraffic, 50):F0} ms p99 {Percentile(toTraffic, 99):F0} ms max {toTraffic.Max():F0} ms"));
    }

    private static async Task<(double Slice, double Direct, double Traffic)> SampleAsync(KubeClient client, HttpClient http, string name, string clusterIp, string image, CancellationToken cancellationToken)
    {
        var created = await client.CreateAsync(ResourcePath.For<Pod>(Namespace), new Pod
        {
            Metadata = new ObjectMeta { Name = name, Labels = new() { ["app"] = App } },
            Spec = new PodSpec
            {
                TerminationGracePeriodSeconds = 0,
                Containers = [new Container { Name = "web", Image = image, ImagePullPolicy = "IfNotPresent", Ports = [new ContainerPort { ContainerPortValue = 80 }] }],
            },
        }, cancellationToken);

        using var sampleTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        sampleTimeout.CancelAfter(SampleTimeout);
        var token = sampleTimeout.Token;
        var podIp = await WaitForReadyAsync(client, name, created.Metadata!.ResourceVersion!, token);
        var ready = Stopwatch.StartNew();
        var slice = WaitForSliceAsync(client, podIp, ready, token);
        var direct = FirstAnswerAsync(http, podIp, name, ready, token);
        var traffic = await FirstAnswerAsync(http, clusterIp, name, ready, token);
        return (await slice, await direct, traffic);
    }

    /// <summary>Milliseconds since <paramref name="ready"/> started when <paramref name="address"/> first answers with the pod's name.</summary>
    private static async Task<double> FirstAnswerAsync(HttpClient http, string address, string name, Stopwatch ready, CancellationToken cancellationToken)
    {
        while (!await AnsweredByAsync(http, address, name, cancellationToken))
        {
            await Task.Delay(5, cancellationToken);
        }

        return ready.Elapsed.TotalMilliseconds;
    }

    /// <summary>Watches the pod until the API shows it Ready; returns its IP.</summary>
    private static async Task<string> WaitForReadyAsync(KubeClient client, string name, string resourceVersion, CancellationToken cancellationToken)
    {
        var query = new ListQuery(FieldSelector: $"metadata.name={name}");
        await foreach (var change in client.WatchAsync<Pod>(ResourcePath.For<Pod>(Namespace), query, resourceVersion, cancellationToken))
        {
            var pod = change.Object;
            if (pod?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
            {
                return pod.Status.PodIP!;
            }
        }

        throw new TimeoutException($"pod {name} never became Ready");
    }

    private static async Task<double> WaitForSliceAsync(KubeClient client, string podIp, Stopwatch ready, CancellationToken cancellationToken)
    {
        var query = new ListQuery(LabelSelector: $"kubernetes.io/service-name={App}");
        while (true)
        {
            var slices = await client.ListAsync<EndpointSlice>(ResourcePath.For<EndpointSlice>(Namespace), query, cancellationToken);
            if (slices.Items.Any(s => s.Endpoints?.Any(e => e.Addresses?.Contains(podIp) == true && e.Conditions?.Ready == true) == true))
            {
                return ready.Elapsed.TotalMilliseconds;
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    private static async Task<bool> AnsweredByAsync(HttpClient http, string clusterIp, string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await http.GetStringAsync(new Uri($"http://{clusterIp}/"), cancellationToken)).Trim() == name;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static double Percentile(List<double> values, int percent)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1)];
    }
}
