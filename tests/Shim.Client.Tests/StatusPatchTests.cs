using System.Text.Json.Nodes;
using Shim.Client;
using Shim.Model.Core.V1;

namespace Shim.Client.Tests;

public sealed class StatusPatchTests
{
    [Fact]
    public void Unchanged_status_gives_no_patch()
    {
        var status = new PodStatus { Phase = "Running", PodIP = "10.244.0.2" };
        Assert.Null(StatusPatch.Between(status, new PodStatus { Phase = "Running", PodIP = "10.244.0.2" }));
    }

    [Fact]
    public void Changed_fields_are_set_vanished_ones_nulled_and_lists_replaced_whole()
    {
        var before = new PodStatus
        {
            Phase = "Pending",
            Message = "waiting",
            ContainerStatuses = [new ContainerStatus { Name = "a", State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = "ContainerCreating" } } }],
        };
        var after = new PodStatus
        {
            Phase = "Running",
            ContainerStatuses = [new ContainerStatus { Name = "a", State = new ContainerState { Running = new ContainerStateRunning() } }],
        };

        var patch = JsonNode.Parse(StatusPatch.Between(before, after)!)!["status"]!.AsObject();

        Assert.Equal("Running", patch["phase"]!.GetValue<string>());
        Assert.True(patch.ContainsKey("message"));
        Assert.Null(patch["message"]);
        // The whole list, so the old "waiting" state cannot survive a merge.
        var state = patch["containerStatuses"]![0]!["state"]!.AsObject();
        Assert.True(state.ContainsKey("running"));
        Assert.False(state.ContainsKey("waiting"));
    }

    [Fact]
    public void Nested_objects_are_diffed_field_by_field()
    {
        var before = new NodeStatus { NodeInfo = new NodeSystemInfo { KubeletVersion = "v1", OsImage = "Debian" } };
        var after = new NodeStatus { NodeInfo = new NodeSystemInfo { KubeletVersion = "v2", OsImage = "Debian" } };
        Assert.Equal("""{"status":{"nodeInfo":{"kubeletVersion":"v2"}}}""", StatusPatch.Between(before, after));
    }
}
