using System.Text.Json.Nodes;
using Xunit;

namespace Shim.Conformance;

/// <summary>
/// Two servers on one Redis: only one runs the controllers and the scheduler (it holds their Leases in kube-system);
/// when it dies without a word, the other takes over within the lease duration and its controllers act.
/// </summary>
public sealed class LeaderElectionTests : IDisposable
{
    private readonly RedisServer _redis = new();

    [Fact]
    public async Task The_standby_takes_over_when_the_leader_is_killed()
    {
        using var first = new ShimServer(_redis.Url("leaders"));
        using var second = new ShimServer(_redis.Url("leaders"));
        using var api = new ApiClient(second);

        var holder = await HolderAsync(api, "kube-controller-manager", h => h.Length > 0);
        var schedulerHolder = await HolderAsync(api, "kube-scheduler", h => h.Length > 0);
        // The elector logs after its lease write: wait for the line rather than read the log once.
        var leader = await LoggedByAsync([first, second], $"Acquired lease kube-system/kube-controller-manager as {holder}");
        var standby = leader == first ? second : first;
        Assert.DoesNotContain("Acquired lease kube-system/kube-controller-manager", standby.Log, StringComparison.Ordinal);
        var transitions = (int)(await LeaseAsync(api, "kube-controller-manager"))["spec"]!["leaseTransitions"]!;

        leader.Stop(); // SIGKILL: no release, the standby has to wait the lease out.
        using var survivor = new ApiClient(standby);
        var newHolder = await HolderAsync(survivor, "kube-controller-manager", h => h.Length > 0 && h != holder);
        Assert.Same(standby, await LoggedByAsync([standby], $"Acquired lease kube-system/kube-controller-manager as {newHolder}"));
        Assert.Equal(transitions + 1, (int)(await LeaseAsync(survivor, "kube-controller-manager"))["spec"]!["leaseTransitions"]!);
        if (schedulerHolder == holder)
        {
            await HolderAsync(survivor, "kube-scheduler", h => h == newHolder);
        }

        // The new leader's controllers work: a node registered now gets its pod range from the IPAM controller.
        var (code, _) = await survivor.JsonAsync(HttpMethod.Post, "/api/v1/nodes", """{"apiVersion":"v1","kind":"Node","metadata":{"name":"late-node"}}""");
        Assert.Equal(201, code);
        var cidr = "";
        for (var i = 0; i < 100 && cidr.Length == 0; i++)
        {
            var (_, node) = await survivor.JsonAsync(HttpMethod.Get, "/api/v1/nodes/late-node");
            cidr = node?["spec"]?["podCIDR"]?.ToString() ?? "";
            await Task.Delay(100);
        }

        Assert.StartsWith("10.244.", cidr, StringComparison.Ordinal);
    }

    private static async Task<ShimServer> LoggedByAsync(ShimServer[] servers, string line)
    {
        for (var i = 0; i < 100; i++)
        {
            var server = servers.FirstOrDefault(s => s.Log.Contains(line, StringComparison.Ordinal));
            if (server is not null)
            {
                return server;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no server logged '{line}' within 10 s");
    }

    private static async Task<JsonNode> LeaseAsync(ApiClient api, string name)
    {
        var (code, lease) = await api.JsonAsync(HttpMethod.Get, $"/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/{name}");
        Assert.Equal(200, code);
        return lease!;
    }

    private static async Task<string> HolderAsync(ApiClient api, string lease, Func<string, bool> wanted)
    {
        var seen = "";
        for (var i = 0; i < 300; i++)
        {
            var (code, body) = await api.JsonAsync(HttpMethod.Get, $"/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/{lease}");
            seen = code == 200 ? body?["spec"]?["holderIdentity"]?.ToString() ?? "" : "";
            if (wanted(seen))
            {
                return seen;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"lease {lease} never got the expected holder (last: '{seen}')");
    }

    public void Dispose() => _redis.Dispose();
}
