using Shim.Agent.Proxy;

namespace Shim.Agent.Tests.Proxy;

/// <summary>The iptables-restore input of full and partial syncs.</summary>
public sealed class RestorePlanTests
{
    [Fact]
    public void A_full_plan_writes_every_chain_and_deletes_stale_shim_chains_only()
    {
        var desired = RuleSet(
            new ProxyChain("filter", "SHIM-SERVICES", []),
            new ProxyChain("nat", "SHIM-SERVICES", ["-A SHIM-SERVICES -j SHIM-SVC-A"]),
            new ProxyChain("nat", "SHIM-SVC-A", ["-A SHIM-SVC-A -j RETURN"]));

        var plan = RestorePlan.Create(desired, null, [new("nat", "PREROUTING"), new("nat", "DOCKER"), new("nat", "SHIM-SVC-A"), new("nat", "SHIM-SEP-OLD"), new("filter", "SHIM-SERVICES")]);

        Assert.Equal(
            """
            *filter
            :SHIM-SERVICES - [0:0]
            COMMIT
            *nat
            :SHIM-SERVICES - [0:0]
            :SHIM-SVC-A - [0:0]
            :SHIM-SEP-OLD - [0:0]
            -A SHIM-SERVICES -j SHIM-SVC-A
            -A SHIM-SVC-A -j RETURN
            -X SHIM-SEP-OLD
            COMMIT

            """.ReplaceLineEndings("\n"),
            plan.Input);
        Assert.Equal([new ChainKey("nat", "SHIM-SEP-OLD")], plan.Deleted);
        Assert.Equal(3, plan.Written.Count);
    }

    [Fact]
    public void A_partial_plan_writes_changed_chains_and_deletes_dropped_ones()
    {
        var applied = RuleSet(
            new ProxyChain("filter", "SHIM-SERVICES", []),
            new ProxyChain("nat", "SHIM-SERVICES", ["-A SHIM-SERVICES -j SHIM-SVC-A"]),
            new ProxyChain("nat", "SHIM-SVC-A", ["-A SHIM-SVC-A -j SHIM-SEP-1"]),
            new ProxyChain("nat", "SHIM-SEP-1", ["-A SHIM-SEP-1 -j DNAT --to-destination 10.0.0.1:80"]));
        var desired = RuleSet(
            new ProxyChain("filter", "SHIM-SERVICES", []),
            new ProxyChain("nat", "SHIM-SERVICES", ["-A SHIM-SERVICES -j SHIM-SVC-A"]),
            new ProxyChain("nat", "SHIM-SVC-A", ["-A SHIM-SVC-A -j SHIM-SEP-2"]),
            new ProxyChain("nat", "SHIM-SEP-2", ["-A SHIM-SEP-2 -j DNAT --to-destination 10.0.0.2:80"]));

        var plan = RestorePlan.Create(desired, applied, []);

        Assert.Equal(
            """
            *nat
            :SHIM-SVC-A - [0:0]
            :SHIM-SEP-2 - [0:0]
            :SHIM-SEP-1 - [0:0]
            -A SHIM-SVC-A -j SHIM-SEP-2
            -A SHIM-SEP-2 -j DNAT --to-destination 10.0.0.2:80
            -X SHIM-SEP-1
            COMMIT

            """.ReplaceLineEndings("\n"),
            plan.Input);
        Assert.Equal([new ChainKey("nat", "SHIM-SVC-A"), new ChainKey("nat", "SHIM-SEP-2")], plan.Written);
        Assert.Equal([new ChainKey("nat", "SHIM-SEP-1")], plan.Deleted);
    }

    [Fact]
    public void Nothing_changed_means_no_restore()
    {
        var rules = RuleSet(new ProxyChain("nat", "SHIM-SERVICES", ["-A SHIM-SERVICES -j RETURN"]));
        var same = RuleSet(new ProxyChain("nat", "SHIM-SERVICES", ["-A SHIM-SERVICES -j RETURN"]));

        var plan = RestorePlan.Create(same, rules, []);

        Assert.Equal("", plan.Input);
        Assert.Empty(plan.Written);
    }

    private static ProxyRuleSet RuleSet(params ProxyChain[] chains) => new(chains);
}
