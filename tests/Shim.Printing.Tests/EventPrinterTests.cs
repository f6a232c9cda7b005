namespace Shim.Printing.Tests;

public class EventPrinterTests
{
    [Fact]
    public void Columns_match_upstream()
    {
        var columns = TablePrinters.For("", "Event").Columns;
        Assert.Equal(["Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"],
            columns.Select(c => c.Name));
        Assert.Equal([0, 0, 0, 0, 1, 1, 0, 1, 1, 1], columns.Select(c => c.Priority));
        Assert.Equal("name", columns[9].Format);
        Assert.Same(columns, TablePrinters.For("events.k8s.io", "Event").Columns);
    }

    [Fact]
    public void Core_event_with_count_and_timestamps()
    {
        var ev = Fixtures.Obj($$"""
            {'apiVersion':'v1','kind':'Event','metadata':{'name':'web-0.17c1'},
             'involvedObject':{'kind':'Pod','name':'web-0','fieldPath':'spec.containers{app}'},
             'reason':'BackOff','type':'Warning','message':'  Back-off restarting failed container\n',
             'source':{'component':'kubelet','host':'node-1'},
             'firstTimestamp':'{{Fixtures.Ago(3600)}}','lastTimestamp':'{{Fixtures.Ago(90)}}','count':7}
            """);
        Assert.Equal(
            ["90s", "Warning", "BackOff", "pod/web-0", "spec.containers{app}", "kubelet, node-1",
             "Back-off restarting failed container", "60m", 7L, "web-0.17c1"],
            Fixtures.Cells("", "Event", ev));
    }

    [Fact]
    public void New_style_event_with_only_event_time_counts_once()
    {
        var ev = Fixtures.Obj($$"""
            {'apiVersion':'v1','metadata':{'name':'e'},'involvedObject':{'kind':'Node'},
             'reason':'Starting','type':'Normal','message':'Starting kubelet.',
             'eventTime':'2024-05-01T11:59:30.123456Z','reportingComponent':'kubelet','reportingInstance':'node-2'}
            """);
        Assert.Equal(["29s", "Normal", "Starting", "node", "", "kubelet, node-2", "Starting kubelet.", "29s", 1L, "e"],
            Fixtures.Cells("", "Event", ev));
    }

    [Fact]
    public void Events_api_object_maps_regarding_note_and_series()
    {
        var ev = Fixtures.Obj($$"""
            {'apiVersion':'events.k8s.io/v1','kind':'Event','metadata':{'name':'web.1'},
             'regarding':{'kind':'Deployment','name':'web'},'note':'Scaled up replica set web-7d9 to 3',
             'reason':'ScalingReplicaSet','type':'Normal','action':'Scale',
             'eventTime':'{{Fixtures.Ago(600)}}','reportingController':'deployment-controller',
             'series':{'count':4,'lastObservedTime':'{{Fixtures.Ago(20)}}'} }
            """);
        Assert.Equal(
            ["20s", "Normal", "ScalingReplicaSet", "deployment/web", "", "deployment-controller",
             "Scaled up replica set web-7d9 to 3", "10m", 4L, "web.1"],
            Fixtures.Cells("events.k8s.io", "Event", ev));
    }

    [Fact]
    public void Events_api_deprecated_fields_are_used()
    {
        var ev = Fixtures.Obj($$"""
            {'metadata':{'name':'old'},'regarding':{'kind':'Pod','name':'p'},'note':'n',
             'deprecatedSource':{'component':'kubelet'},'deprecatedCount':2,
             'deprecatedFirstTimestamp':'{{Fixtures.Ago(7200)}}','deprecatedLastTimestamp':'{{Fixtures.Ago(60)}}'}
            """);
        var cells = TablePrinters.For("events.k8s.io", "Event").Cells(ev, Fixtures.Now);
        Assert.Equal(["60s", "", "", "pod/p", "", "kubelet", "n", "120m", 2L, "old"], cells);
    }

    [Fact]
    public void Event_without_any_time_is_unknown()
    {
        var cells = Fixtures.Cells("", "Event", Fixtures.Obj("{'metadata':{'name':'e'}}"));
        Assert.Equal("<unknown>", cells[0]);
        Assert.Equal("<unknown>", cells[7]);
    }

    [Fact]
    public void Shape_is_recognised_without_an_api_version()
    {
        var core = Fixtures.Obj("{'metadata':{'name':'c'},'involvedObject':{'kind':'Pod','name':'p'},'message':'m','count':2}");
        var cells = TablePrinters.For("events.k8s.io", "Event").Cells(core, Fixtures.Now);
        Assert.Equal("pod/p", cells[3]);
        Assert.Equal("m", cells[6]);
        Assert.Equal(2L, cells[8]);

        var modern = Fixtures.Obj("{'metadata':{'name':'n'},'regarding':{'kind':'Node','name':'n1'},'note':'hello'}");
        cells = TablePrinters.For("", "Event").Cells(modern, Fixtures.Now);
        Assert.Equal("node/n1", cells[3]);
        Assert.Equal("hello", cells[6]);
    }
}
