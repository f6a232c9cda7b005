using System.Text.Json.Nodes;

namespace Shim.Docker.Tests;

public sealed class NetworkTests : DockerTestBase
{
    [Fact]
    public async Task A_bridge_network_with_an_ipam_subnet_is_created_inspected_and_removed()
    {
        var name = $"shimtest-{TestId}";
        // A /24 in a range nothing else on this machine uses (the agent tests use 10.213.0.0/16); random so parallel runs rarely collide.
        var subnet = $"10.214.{Random.Shared.Next(0, 256)}.0/24";
        var id = await Docker.CreateNetworkAsync(new JsonObject
        {
            ["Name"] = name,
            ["Driver"] = "bridge",
            ["CheckDuplicate"] = true,
            ["Labels"] = new JsonObject { ["shim.test"] = TestId },
            ["IPAM"] = new JsonObject { ["Config"] = new JsonArray(new JsonObject { ["Subnet"] = subnet }) },
        }, Timeout());
        try
        {
            var byName = await Docker.InspectNetworkAsync(name, Timeout());
            var byId = await Docker.InspectNetworkAsync(id, Timeout());

            Assert.Equal(id, byName!["Id"]!.ToString());
            Assert.Equal(name, byId!["Name"]!.ToString());
            Assert.Equal(subnet, byName["IPAM"]!["Config"]![0]!["Subnet"]!.ToString());
            Assert.Equal(TestId, byName["Labels"]!["shim.test"]!.ToString());
        }
        finally
        {
            await Docker.RemoveNetworkAsync(name, Timeout());
        }

        await Docker.RemoveNetworkAsync(name, Timeout()); // 404
        Assert.Null(await Docker.InspectNetworkAsync(name, Timeout()));
    }
}
