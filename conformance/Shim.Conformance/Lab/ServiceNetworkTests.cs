using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>
/// Service networking on two Docker hosts through the real kubectl: pod-to-pod routes across hosts, ClusterIP and
/// NodePort load balancing by the agents' iptables proxies, cluster DNS, readiness, session affinity, headless and
/// StatefulSet names, port-forward to a service, and agent and dockerd restarts that keep traffic flowing.
/// </summary>
[Collection("lab")]
public sealed partial class ServiceNetworkTests(LabCluster cluster)
{
    /// <summary>Two replicas on different hosts, each answering HTTP on 8080 with its pod name; ready while /tmp/ready exists.</summary>
    private static string EchoDeployment(string name, int replicas = 2) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: {{{name}}}}
        spec:
          replicas: {{{replicas}}}
          selector: {matchLabels: {app: {{{name}}}}}
          template:
            metadata: {labels: {app: {{{name}}}}}
            spec:
              terminationGracePeriodSeconds: 1
              topologySpreadConstraints:
              - maxSkew: 1
                topologyKey: kubernetes.io/hostname
                whenUnsatisfiable: DoNotSchedule
                labelSelector: {matchLabels: {app: {{{name}}}}}
              containers:
              - name: app
                image: {{{LabManifests.Busybox}}}
                command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && touch /tmp/ready && exec httpd -f -p 8080 -h /www"]
                ports: [{name: http, containerPort: 8080}]
                readinessProbe: {exec: {command: ["test", "-f", "/tmp/ready"]}, periodSeconds: 1}
        """;

    private static string Service(string name, string extra = "") => $$"""
        apiVersion: v1
        kind: Service
        metadata: {name: {{name}}}
        spec:
          selector: {app: {{name}}}
          ports: [{name: web, port: 80, targetPort: http}]
        {{extra}}
        """;

    private static string Client(string name, int host) => LabManifests.Sleeper(name, $"  nodeSelector: {{kubernetes.io/hostname: h{host}}}");

    [Fact]
    public async Task Pods_on_different_hosts_reach_each_other_by_pod_ip()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "podnet");
        await ns.ApplyAsync(Client("a", 1));
        await ns.ApplyAsync(Client("b", 2));
        await ns.WaitForReadyAsync("a");
        await ns.WaitForReadyAsync("b");
        var ipB = await ns.GetAsync("pod/b", "{.status.podIP}");
        Assert.StartsWith("10.244.", ipB, StringComparison.Ordinal);
        // httpd -v logs each client's address: b must see a's own pod address (no NAT between pods).
        await ns.ShAsync("b", "mkdir -p /www && echo from-b > /www/index.html && (httpd -f -v -p 8080 -h /www 2>/tmp/httpd.log &)");

        Assert.Contains("1 packets received", await ns.ShAsync("a", $"ping -c 1 -W 5 {ipB}"), StringComparison.Ordinal);
        Assert.Equal("from-b", await ns.ShAsync("a", $"timeout 5 wget -q -O - http://{ipB}:8080/"));
        var ipA = await ns.GetAsync("pod/a", "{.status.podIP}");
        Assert.Contains(ipA, await ns.ShAsync("b", "cat /tmp/httpd.log"), StringComparison.Ordinal);

        // Leaving the cluster network (here: to the lab bridge's own address), a pod is masqueraded to its host's address.
        using var outside = new TcpListener(IPAddress.Parse("10.77.0.1"), 0);
        outside.Start();
        var port = ((IPEndPoint)outside.LocalEndpoint).Port;
        var accept = outside.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await ns.ExecAsync("a", null, "sh", "-c", $"echo hi | timeout 5 nc 10.77.0.1 {port}");
        using var connection = await accept;
        Assert.Equal(LabCluster.HostIp(1), ((IPEndPoint)connection.Client.RemoteEndPoint!).Address.ToString());
    }

    [Fact]
    public async Task Cluster_ip_service_balances_over_ready_replicas_on_both_hosts_by_dns_name()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "clusterip");
        await ns.ApplyAsync(EchoDeployment("echo"));
        await ns.ApplyAsync(Service("echo"));
        await ns.ApplyAsync(Client("c1", 1));
        await ns.ApplyAsync(Client("c2", 2));
        var replicas = await ReadyReplicasAsync(ns, "echo", 2);
        Assert.Equal(2, replicas.Select(r => r.Host).Distinct().Count());
        var clusterIp = await ns.GetAsync("service/echo", "{.spec.clusterIP}");
        Assert.True(LabManifests.IsServiceAddress(clusterIp), clusterIp);
        await ns.WaitForReadyAsync("c1");
        await ns.WaitForReadyAsync("c2");

        foreach (var client in new[] { "c1", "c2" })
        {
            foreach (var name in new[] { $"echo.{ns.Name}.svc.cluster.local", "echo", clusterIp })
            {
                var seen = await AnswersAsync(ns, client, $"http://{name}/", 30, stopWhen: s => s.Count == 2);
                Assert.Equal(replicas.Select(r => r.Name).Order(), seen.Order());
            }
        }

        // The pod's resolv.conf and service variables come from the cluster.
        var resolvConf = await ns.ShAsync("c1", "cat /etc/resolv.conf");
        Assert.Contains("nameserver 10.96.0.10", resolvConf, StringComparison.Ordinal);
        Assert.Contains($"search {ns.Name}.svc.cluster.local svc.cluster.local cluster.local", resolvConf, StringComparison.Ordinal);
        Assert.Contains("options ndots:5", resolvConf, StringComparison.Ordinal);
        await ns.OkAsync("delete", "pod", "c2", "--wait=false");
        await ns.ApplyAsync(Client("c3", 2));
        await ns.WaitForReadyAsync("c3");
        Assert.Equal(clusterIp, await ns.ShAsync("c3", "echo $ECHO_SERVICE_HOST"));
        Assert.Equal("80", await ns.ShAsync("c3", "echo $ECHO_SERVICE_PORT_WEB"));
        Assert.Equal($"tcp://{clusterIp}:80", await ns.ShAsync("c3", "echo $ECHO_PORT"));
        Assert.Equal("10.96.0.1", await ns.ShAsync("c3", "echo $KUBERNETES_SERVICE_HOST"));

        // A replica that turns unready leaves the rotation; when ready again it comes back.
        var (leaving, staying) = (replicas[0].Name, replicas[1].Name);
        await ns.ShAsync(leaving, "rm /tmp/ready");
        await ns.WaitForAsync($"pod/{leaving}", "{.status.conditions[?(@.type==\"Ready\")].status}", s => s == "False", "Ready=False");
        await ns.EventuallyAsync(async () => (await AnswersAsync(ns, "c1", "http://echo/", 12)).SetEquals([staying]) ? "" : null, $"only {staying} answers");
        await ns.ShAsync(leaving, "touch /tmp/ready");
        await ns.EventuallyAsync(async () => (await AnswersAsync(ns, "c1", "http://echo/", 30, stopWhen: s => s.Count == 2)).Count == 2 ? "" : null, "both answer again");

        // No replicas: a quick refusal, not a hang.
        await ns.OkAsync("scale", "deployment/echo", "--replicas=0");
        await ns.EventuallyAsync(async () => (await ns.GetAsync("endpointslices", "{.items[*].endpoints[*].addresses[0]}")).Length == 0 ? "" : null, "no endpoints left");
        await RefusedAsync(ns, "c1", "http://echo/", "connection refused through the service without endpoints");
    }

    [Fact]
    public async Task Node_port_and_load_balancer_are_served_on_every_host_address()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "nodeport");
        await ns.ApplyAsync(EchoDeployment("np"));
        await ns.ApplyAsync(Service("np", "  type: NodePort"));
        await ns.ApplyAsync(EchoDeployment("lb"));
        await ns.ApplyAsync(Service("lb", "  type: LoadBalancer").Replace("port: 80,", "port: 18080,", StringComparison.Ordinal));
        var replicas = await ReadyReplicasAsync(ns, "np", 2);
        var nodePort = int.Parse(await ns.GetAsync("service/np", "{.spec.ports[0].nodePort}"), CultureInfo.InvariantCulture);
        Assert.InRange(nodePort, 30000, 32767);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var host = 1; host <= LabCluster.Hosts; host++)
        {
            var seen = await HttpAnswersAsync(http, $"http://{LabCluster.HostIp(host)}:{nodePort}/", 30);
            Assert.Equal(replicas.Select(r => r.Name).Order(), seen.Order());
        }

        // The built-in load balancer publishes the hosts' addresses and serves the service port on them.
        await ReadyReplicasAsync(ns, "lb", 2);
        var ingress = await ns.WaitForAsync("service/lb", "{.status.loadBalancer.ingress[*].ip}", v => v.Split(' ').Length == LabCluster.Hosts, "an ingress address per host");
        Assert.Equal(Enumerable.Range(1, LabCluster.Hosts).Select(LabCluster.HostIp).Order(), ingress.Split(' ').Order());
        foreach (var address in ingress.Split(' '))
        {
            Assert.NotEmpty(await HttpAnswersAsync(http, $"http://{address}:18080/", 5));
        }
    }

    [Fact]
    public async Task Session_affinity_sticks_to_one_replica()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "affinity");
        await ns.ApplyAsync(EchoDeployment("sticky"));
        await ns.ApplyAsync(Service("sticky", "  sessionAffinity: ClientIP"));
        await ns.ApplyAsync(Client("c", 1));
        await ReadyReplicasAsync(ns, "sticky", 2);
        await ns.WaitForReadyAsync("c");
        // Wait until the service answers at all, then every answer comes from the same replica.
        await AnswersAsync(ns, "c", "http://sticky/", 10, stopWhen: s => s.Count > 0);
        Assert.Single(await AnswersAsync(ns, "c", "http://sticky/", 15));
    }

    [Fact]
    public async Task Headless_and_statefulset_names_resolve_to_pod_addresses()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "headless");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Service
            metadata: {name: db}
            spec:
              clusterIP: None
              selector: {app: db}
              ports: [{name: web, port: 8080}]
            """);
        await ns.ApplyAsync($$$"""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              replicas: 2
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: app
                    image: {{{LabManifests.Busybox}}}
                    command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
                    ports: [{name: web, containerPort: 8080}]
            """);
        await ns.ApplyAsync(Client("c", 2));
        await ns.WaitForReadyAsync("db-0", TimeSpan.FromSeconds(90));
        await ns.WaitForReadyAsync("db-1", TimeSpan.FromSeconds(90));
        await ns.WaitForReadyAsync("c");
        var ips = new[] { await ns.GetAsync("pod/db-0", "{.status.podIP}"), await ns.GetAsync("pod/db-1", "{.status.podIP}") };

        var headless = await ns.EventuallyAsync(async () =>
        {
            var found = Addresses(await NslookupAsync(ns, "c", $"db.{ns.Name}.svc.cluster.local"));
            return found.Order().SequenceEqual(ips.Order()) ? found : null;
        }, "the headless name resolving to both pods");
        Assert.Equal(2, headless.Count);
        Assert.Equal([ips[0]], Addresses(await NslookupAsync(ns, "c", $"db-0.db.{ns.Name}.svc.cluster.local")));
        Assert.Equal([ips[1]], Addresses(await NslookupAsync(ns, "c", $"db-1.db.{ns.Name}.svc.cluster.local")));
        Assert.Equal("db-1", await ns.ShAsync("c", "timeout 5 wget -q -O - http://db-1.db:8080/"));
        var srv = await NslookupAsync(ns, "c", $"_web._tcp.db.{ns.Name}.svc.cluster.local", "-type=SRV");
        Assert.Contains($"db-0.db.{ns.Name}.svc.cluster.local", srv, StringComparison.Ordinal);
        Assert.Contains("8080", srv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Port_forward_to_a_service_reaches_one_of_its_pods()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "pfsvc");
        await ns.ApplyAsync(EchoDeployment("pf"));
        await ns.ApplyAsync(Service("pf"));
        var replicas = await ReadyReplicasAsync(ns, "pf", 2);
        var port = Ports.Free();
        var info = new ProcessStartInfo(Tools.KubectlPath(LabNamespace.Kubectl)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--kubeconfig", cluster.Server.Kubeconfig, "-n", ns.Name, "port-forward", "svc/pf", $"{port}:80" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var seen = await HttpAnswersAsync(http, $"http://127.0.0.1:{port}/", 1, retryFor: TimeSpan.FromSeconds(20));
            Assert.Contains(Assert.Single(seen), replicas.Select(r => r.Name));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task An_agent_restart_keeps_traffic_flowing_without_duplicating_rules()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "restart");
        await ns.ApplyAsync(EchoDeployment("keep"));
        await ns.ApplyAsync(Service("keep"));
        await ns.ApplyAsync(Client("c", 1));
        await ReadyReplicasAsync(ns, "keep", 2);
        await ns.WaitForReadyAsync("c");
        await AnswersAsync(ns, "c", "http://keep/", 30, stopWhen: s => s.Count == 2);
        var rulesBefore = LabCluster.Lab("exec", "1", "iptables-save");
        var clusterIp = await ns.GetAsync("service/keep", "{.spec.clusterIP}");
        static int FullSyncs() => Regex.Matches(LabCluster.AgentLog(1), "Service proxy full sync").Count;
        var fullSyncsBefore = FullSyncs();

        LabCluster.StopAgent(1);
        try
        {
            // With the agent down, the installed rules keep serving. Asked from host 1 itself: exec into its pods goes
            // through the agent, and the node's DNS server is the agent.
            var answers = LabCluster.Lab("exec", "1", "sh", "-c", $"for i in $(seq 1 30); do curl -s -m 3 http://{clusterIp}/; echo; done");
            Assert.Equal(2, answers.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().Count());
        }
        finally
        {
            cluster.StartAgent(1);
            cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        }

        // The restarted agent's first proxy sync is a full one; it must find the jumps in place and add none.
        await ns.EventuallyAsync(() => Task.FromResult(FullSyncs() > fullSyncsBefore ? "" : null), "the restarted agent's full proxy sync", lastObserved: () => LabCluster.AgentLog(1));
        await ns.EventuallyAsync(async () => (await AnswersAsync(ns, "c", "http://keep/", 30, stopWhen: s => s.Count == 2)).Count == 2 ? "" : null, "both replicas answer through the restarted node");
        var after = LabCluster.Lab("exec", "1", "iptables-save");
        Assert.Empty(DuplicatedJumps(after));
        Assert.Equal(JumpCount(rulesBefore), JumpCount(after));
    }

    [Fact]
    public async Task A_dockerd_restart_keeps_services_answering_and_refusing_without_duplicated_rules()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "dockerd");
        await ns.ApplyAsync(EchoDeployment("back"));
        await ns.ApplyAsync(Service("back"));
        await ns.ApplyAsync(Service("none"));
        await ns.ApplyAsync(Client("c", 1));
        await ReadyReplicasAsync(ns, "back", 2);
        await ns.WaitForReadyAsync("c");
        await AnswersAsync(ns, "c", "http://back/", 30, stopWhen: s => s.Count == 2);
        var jumpsBefore = JumpCount(LabCluster.Lab("exec", "1", "iptables-save"));
        const string ContainerId = "{.status.containerStatuses[0].containerID}";
        var clientContainer = await ns.GetAsync("pod/c", ContainerId);

        // Stopping dockerd stops every container of host 1; on start it re-creates its own FORWARD rules at the top.
        LabCluster.Lab("stop-docker", "1");
        LabCluster.Lab("start-docker", "1");
        cluster.WaitForNodesReady(TimeSpan.FromSeconds(90));
        await ns.WaitForAsync("pod/c", ContainerId, id => id.Length > 0 && id != clientContainer, "a new container for the client", TimeSpan.FromSeconds(90));
        await ns.WaitForReadyAsync("c", TimeSpan.FromSeconds(90));
        await ReadyReplicasAsync(ns, "back", 2);

        await ns.EventuallyAsync(async () => (await AnswersAsync(ns, "c", "http://back/", 30, stopWhen: s => s.Count == 2)).Count == 2 ? "" : null, "both replicas answer from the restarted host");
        await RefusedAsync(ns, "c", "http://none/", "connection refused through the service without endpoints after the dockerd restart");

        // Docker's rules did not end up above ours: the forwarding jumps are still in DOCKER-USER, once each.
        var after = LabCluster.Lab("exec", "1", "iptables-save");
        Assert.Empty(DuplicatedJumps(after));
        Assert.Equal(jumpsBefore, JumpCount(after));
        Assert.DoesNotMatch(@"(?m)^-A FORWARD .*-j SHIM-", after);
        Assert.Matches(@"(?m)^-A DOCKER-USER .*-j SHIM-FORWARD$", after);
    }

    /// <summary>
    /// Waits until a request from <paramref name="pod"/> to <paramref name="url"/> is refused (wget ran and said so; an
    /// exec error does not count); on timeout shows the last answer and host 1's rules for the namespace.
    /// </summary>
    private static async Task RefusedAsync(LabNamespace ns, string pod, string url, string expectation)
    {
        var lastTry = "";
        await ns.EventuallyAsync(async () =>
        {
            lastTry = (await ns.ExecAsync(pod, null, "sh", "-c", $"timeout 20 wget -q -O - {url} 2>&1; echo exit=$?")).Output;
            return lastTry.Contains("exit=", StringComparison.Ordinal) && lastTry.Contains("refused", StringComparison.OrdinalIgnoreCase) ? "" : null;
        }, expectation, lastObserved: () =>
            lastTry + "\n" + string.Join('\n', LabCluster.Lab("exec", "1", "iptables-save").Split('\n').Where(l => l.Contains(ns.Name, StringComparison.Ordinal))));
    }

    /// <summary>Jump rules into SHIM- chains that appear more than once in the same table of iptables-save output.</summary>
    private static List<string> DuplicatedJumps(string save)
    {
        var table = "";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicated = new List<string>();
        foreach (var line in save.Split('\n'))
        {
            if (line.StartsWith('*'))
            {
                table = line;
            }
            else if (JumpLine().IsMatch(line) && !seen.Add(table + " " + line))
            {
                duplicated.Add(table + " " + line);
            }
        }

        return duplicated;
    }

    /// <summary>A jump from a built-in chain (or Docker's DOCKER-USER, where the forwarding jumps live) into a SHIM- chain.</summary>
    [GeneratedRegex(@"^-A (PREROUTING|OUTPUT|POSTROUTING|FORWARD|INPUT|DOCKER-USER) .*-j SHIM-")]
    private static partial Regex JumpLine();

    private static int JumpCount(string rules) => rules.Split('\n').Count(l => JumpLine().IsMatch(l));

    /// <summary>The names of the ready pods of app=NAME once there are <paramref name="count"/>, with their lab host.</summary>
    private static async Task<List<(string Name, int Host)>> ReadyReplicasAsync(LabNamespace ns, string app, int count)
    {
        var names = await ns.EventuallyAsync(async () =>
        {
            var ready = (await ns.OkAsync("get", "pods", "-l", $"app={app}", "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}"))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).Where(p => p.Length == 2 && p[1] == "True").Select(p => p[0]).ToList();
            return ready.Count == count ? ready : null;
        }, $"{count} ready pods of {app}", TimeSpan.FromSeconds(90));
        var replicas = new List<(string, int)>();
        foreach (var name in names)
        {
            replicas.Add((name, await ns.HostOfAsync(name)));
        }

        return replicas;
    }

    /// <summary>
    /// The distinct answers of up to <paramref name="requests"/> wget calls from inside a pod. Bounded by `timeout`:
    /// busybox 1.35's own `wget -T` crashes (SIGSEGV) in these images.
    /// </summary>
    private static async Task<HashSet<string>> AnswersAsync(LabNamespace ns, string pod, string url, int requests, Func<HashSet<string>, bool>? stopWhen = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var script = $"for i in $(seq 1 {requests}); do timeout 3 wget -q -O - {url} 2>/dev/null; done";
        // One exec runs the whole bounded loop; repeat a few times only when the caller waits for more answers.
        for (var round = 0; round < 3; round++)
        {
            var result = await ns.ExecAsync(pod, null, "sh", "-c", script);
            seen.UnionWith(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            if (stopWhen is null || stopWhen(seen))
            {
                break;
            }
        }

        return seen;
    }

    private static async Task<HashSet<string>> HttpAnswersAsync(HttpClient http, string url, int requests, TimeSpan? retryFor = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + (retryFor ?? TimeSpan.FromSeconds(30));
        for (var i = 0; i < requests || (seen.Count == 0 && DateTime.UtcNow < deadline); i++)
        {
            try
            {
                using var fresh = new HttpClient { Timeout = http.Timeout };
                seen.Add((await fresh.GetStringAsync(url)).Trim());
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(300);
            }
        }

        return seen;
    }

    private static async Task<string> NslookupAsync(LabNamespace ns, string pod, string name, string type = "-type=A") =>
        (await ns.ExecAsync(pod, null, "nslookup", type, name)).Output;

    /// <summary>The answer addresses of busybox nslookup output (after the "Name:" line; not the server's).</summary>
    private static List<string> Addresses(string nslookup) =>
        [.. AddressLine().Matches(nslookup[Math.Max(0, nslookup.IndexOf("Name:", StringComparison.Ordinal))..]).Select(m => m.Groups[1].Value).Distinct()];

    [GeneratedRegex(@"Address(?: \d+)?:\s+(\d+\.\d+\.\d+\.\d+)")]
    private static partial Regex AddressLine();
}
