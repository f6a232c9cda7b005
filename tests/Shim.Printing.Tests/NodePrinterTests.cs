namespace Shim.Printing.Tests;

public class NodePrinterTests
{
    [Fact]
    public void Ready_control_plane_node_with_host_details()
    {
        var node = Fixtures.Obj($$"""
            {'metadata':{'name':'node-1','creationTimestamp':'{{Fixtures.Ago(TimeSpan.FromDays(40))}}',
               'labels':{'node-role.kubernetes.io/control-plane':'','node-role.kubernetes.io/etcd':'true','kubernetes.io/role':'worker','kubernetes.io/os':'linux'} },
             'status':{'conditions':[{'type':'MemoryPressure','status':'False'},{'type':'Ready','status':'True'}],
               'addresses':[{'type':'Hostname','address':'node-1'},{'type':'InternalIP','address':'192.168.1.10'}],
               'nodeInfo':{'kubeletVersion':'v1.33.1','osImage':'Ubuntu 24.04 LTS','kernelVersion':'6.8.0','containerRuntimeVersion':'docker://27.3.1'} } }
            """);
        Assert.Equal(
            ["node-1", "Ready", "control-plane,etcd,worker", "40d", "v1.33.1", "192.168.1.10", "<none>", "Ubuntu 24.04 LTS", "6.8.0", "docker://27.3.1"],
            Fixtures.Cells("", "Node", node));
    }

    [Theory]
    [InlineData("[{'type':'Ready','status':'False'}]", false, "NotReady")]
    [InlineData("[{'type':'Ready','status':'Unknown'}]", true, "NotReady,SchedulingDisabled")]
    [InlineData("[{'type':'Ready','status':'True'}]", true, "Ready,SchedulingDisabled")]
    [InlineData("[]", false, "Unknown")]
    public void Status_combines_readiness_and_cordon(string conditions, bool unschedulable, string expected)
    {
        var node = Fixtures.Obj($"{{'metadata':{{'name':'n'}},'spec':{{'unschedulable':{(unschedulable ? "true" : "false")}}},'status':{{'conditions':{conditions}}}}}");
        Assert.Equal(expected, Fixtures.Cells("", "Node", node)[1]);
    }

    [Fact]
    public void Missing_roles_and_node_info_use_placeholders()
    {
        var cells = Fixtures.Cells("", "Node", Fixtures.Obj("{'metadata':{'name':'bare'}}"));
        Assert.Equal(["bare", "Unknown", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"], cells);
    }

    [Fact]
    public void Columns_match_upstream()
    {
        var columns = TablePrinters.For("", "Node").Columns;
        Assert.Equal(["Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"],
            columns.Select(c => c.Name));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], columns.Select(c => c.Priority));
    }
}
