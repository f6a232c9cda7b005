using System.Text.Json.Nodes;

namespace Shim.Printing.Tests;

public class PodPrinterTests
{
    private static IReadOnlyList<object?> Print(JsonObject pod) => Fixtures.Cells("", "Pod", pod);

    private static readonly string Created = Fixtures.Ago(TimeSpan.FromMinutes(5));

    [Fact]
    public void Columns_match_upstream()
    {
        var columns = TablePrinters.For("", "Pod").Columns;
        Assert.Equal(
            ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"],
            columns.Select(c => c.Name));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1], columns.Select(c => c.Priority));
        Assert.All(columns, c => Assert.Equal("string", c.Type));
        Assert.Equal("name", columns[0].Format);
        Assert.All(columns.Skip(1), c => Assert.Equal("", c.Format));
        Assert.All(columns, c => Assert.False(string.IsNullOrWhiteSpace(c.Description)));
    }

    [Fact]
    public void Running_pod_with_all_containers_ready()
    {
        var pod = Fixtures.Obj($$"""
            {'metadata':{'name':'web-0','creationTimestamp':'{{Created}}'},
             'spec':{'nodeName':'node-1','containers':[{'name':'a'},{'name':'b'}]},
             'status':{'phase':'Running','podIP':'10.1.0.7','podIPs':[{'ip':'10.1.0.7'},{'ip':'fd00::7'}],
               'conditions':[{'type':'Ready','status':'True'}],
               'containerStatuses':[
                 {'name':'a','ready':true,'restartCount':0,'state':{'running':{ } } },
                 {'name':'b','ready':true,'restartCount':0,'state':{'running':{ } } }]} }
            """);
        Assert.Equal(["web-0", "2/2", "Running", "0", "5m", "10.1.0.7", "node-1", "<none>", "<none>"], Print(pod));
        Assert.Null(TablePrinters.For("", "Pod").Conditions(pod));
    }

    [Fact]
    public void Pending_pod_without_statuses_shows_none_placeholders()
    {
        var pod = Fixtures.Obj($$"""
            {'metadata':{'name':'p','creationTimestamp':'{{Created}}'},
             'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Pending'} }
            """);
        Assert.Equal(["p", "0/1", "Pending", "0", "5m", "<none>", "<none>", "<none>", "<none>"], Print(pod));
    }

    [Fact]
    public void Lone_podIP_is_used_when_podIPs_is_missing()
    {
        var pod = Fixtures.Obj("{'metadata':{'name':'p'},'status':{'podIP':'10.0.0.9'}}");
        Assert.Equal("10.0.0.9", Print(pod)[5]);
    }

    [Fact]
    public void CrashLoopBackOff_shows_waiting_reason_and_last_restart()
    {
        var pod = Fixtures.Obj($$"""
            {'metadata':{'name':'crash','creationTimestamp':'{{Created}}'},
             'spec':{'containers':[{'name':'app'}]},
             'status':{'phase':'Running','containerStatuses':[
               {'name':'app','ready':false,'restartCount':3,
                'state':{'waiting':{'reason':'CrashLoopBackOff','message':'back-off'} },
                'lastState':{'terminated':{'exitCode':1,'reason':'Error','finishedAt':'{{Fixtures.Ago(125)}}'} } }]} }
            """);
        var cells = Print(pod);
        Assert.Equal("0/1", cells[1]);
        Assert.Equal("CrashLoopBackOff", cells[2]);
        Assert.Equal("3 (2m5s ago)", cells[3]);
    }

    [Fact]
    public void Restarts_without_a_termination_time_show_only_the_count()
    {
        var pod = Fixtures.Obj("""
            {'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'}]},
             'status':{'phase':'Running','containerStatuses':[
               {'name':'a','ready':true,'restartCount':2,'state':{'running':{}}}]}}
            """);
        Assert.Equal("2", Print(pod)[3]);
    }

    [Fact]
    public void Restarts_use_the_latest_termination_across_containers()
    {
        var pod = Fixtures.Obj($$"""
            {'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'},{'name':'b'}]},
             'status':{'phase':'Running','containerStatuses':[
               {'name':'a','ready':true,'restartCount':1,'state':{'running':{ } },
                'lastState':{'terminated':{'exitCode':1,'finishedAt':'{{Fixtures.Ago(3600)}}'} } },
               {'name':'b','ready':true,'restartCount':4,'state':{'running':{ } },
                'lastState':{'terminated':{'exitCode':1,'finishedAt':'{{Fixtures.Ago(30)}}'} } }]} }
            """);
        Assert.Equal("5 (30s ago)", Print(pod)[3]);
    }

    [Fact]
    public void Init_progress_counts_finished_init_containers()
    {
        const string spec = "'spec':{'initContainers':[{'name':'i1'},{'name':'i2'}],'containers':[{'name':'app'}]}";
        var waiting = Fixtures.Obj($$"""
            {'metadata':{'name':'p'},{{spec}},
             'status':{'phase':'Pending','initContainerStatuses':[
               {'name':'i1','restartCount':0,'state':{'waiting':{'reason':'PodInitializing'} } },
               {'name':'i2','restartCount':0,'state':{'waiting':{'reason':'PodInitializing'} } }],
              'containerStatuses':[{'name':'app','restartCount':0,'state':{'waiting':{'reason':'PodInitializing'} } }]} }
            """);
        Assert.Equal("Init:0/2", Print(waiting)[2]);
        Assert.Equal("0/1", Print(waiting)[1]);

        var second = Fixtures.Obj($$"""
            {'metadata':{'name':'p'},{{spec}},
             'status':{'phase':'Pending','initContainerStatuses':[
               {'name':'i1','restartCount':0,'state':{'terminated':{'exitCode':0,'reason':'Completed'} } },
               {'name':'i2','restartCount':0,'state':{'running':{ } } }]} }
            """);
        Assert.Equal("Init:1/2", Print(second)[2]);
    }

    [Fact]
    public void Init_container_crash_loop_shows_init_reason_and_its_restarts()
    {
        var pod = Fixtures.Obj($$"""
            {'metadata':{'name':'p'},
             'spec':{'initContainers':[{'name':'i1'},{'name':'i2'}],'containers':[{'name':'app'}]},
             'status':{'phase':'Pending',
              'conditions':[{'type':'Initialized','status':'False'}],
              'initContainerStatuses':[
               {'name':'i1','restartCount':4,'state':{'waiting':{'reason':'CrashLoopBackOff'} },
                'lastState':{'terminated':{'exitCode':1,'reason':'Error','finishedAt':'{{Fixtures.Ago(65)}}'} } },
               {'name':'i2','restartCount':0,'state':{'waiting':{'reason':'PodInitializing'} } }],
              'containerStatuses':[{'name':'app','restartCount':0,'state':{'waiting':{'reason':'PodInitializing'} } }]} }
            """);
        var cells = Print(pod);
        Assert.Equal("0/1", cells[1]);
        Assert.Equal("Init:CrashLoopBackOff", cells[2]);
        Assert.Equal("4 (65s ago)", cells[3]);
    }

    [Theory]
    [InlineData("{'exitCode':1,'reason':'Error'}", "Init:Error")]
    [InlineData("{'exitCode':2}", "Init:ExitCode:2")]
    [InlineData("{'exitCode':137,'signal':9}", "Init:Signal:9")]
    public void Failed_init_container_shows_why(string terminated, string expected)
    {
        var pod = Fixtures.Obj($$"""
            {'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'i'}],'containers':[{'name':'app'}]},
             'status':{'phase':'Pending','initContainerStatuses':[{'name':'i','state':{'terminated':{{terminated}} } }]} }
            """);
        Assert.Equal(expected, Print(pod)[2]);
    }

    [Theory]
    [InlineData("{'terminated':{'exitCode':0,'reason':'Completed'}}", "Completed")]
    [InlineData("{'terminated':{'exitCode':137,'signal':9}}", "Signal:9")]
    [InlineData("{'terminated':{'exitCode':3}}", "ExitCode:3")]
    [InlineData("{'waiting':{'reason':'ImagePullBackOff'}}", "ImagePullBackOff")]
    [InlineData("{'waiting':{}}", "Running")]
    public void App_container_state_sets_the_status(string state, string expected)
    {
        var pod = Fixtures.Obj($$"""
            {'metadata':{'name':'p'},'spec':{'containers':[{'name':'app'}]},
             'status':{'phase':'Running','containerStatuses':[{'name':'app','state':{{state}} }]} }
            """);
        Assert.Equal(expected, Print(pod)[2]);
    }

    [Fact]
    public void First_container_state_wins_because_statuses_are_walked_backwards()
    {
        var pod = Fixtures.Obj("""
            {'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'},{'name':'b'}]},
             'status':{'phase':'Running','containerStatuses':[
               {'name':'a','state':{'waiting':{'reason':'ErrImagePull'}}},
               {'name':'b','state':{'waiting':{'reason':'ContainerCreating'}}}]}}
            """);
        Assert.Equal("ErrImagePull", Print(pod)[2]);
    }

    [Fact]
    public void Succeeded_pod_reads_Completed_with_a_row_condition()
    {
        var pod = Fixtures.Obj($$"""
            {'metadata':{'name':'job-x','creationTimestamp':'{{Created}}'},
             'spec':{'containers':[{'name':'main'}]},
             'status':{'phase':'Succeeded','containerStatuses':[
               {'name':'main','ready':false,'restartCount':0,'state':{'terminated':{'exitCode':0,'reason':'Completed'} } }]} }
            """);
        Assert.Equal(["job-x", "0/1", "Completed", "0", "5m", "<none>", "<none>", "<none>", "<none>"], Print(pod));

        var conditions = TablePrinters.For("", "Pod").Conditions(pod);
        Assert.NotNull(conditions);
        var condition = Assert.Single(conditions);
        Assert.Equal("Completed", condition!["type"]!.GetValue<string>());
        Assert.Equal("True", condition["status"]!.GetValue<string>());
        Assert.Equal("Succeeded", condition["reason"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(condition["message"]!.GetValue<string>()));
    }

    [Fact]
    public void Failed_pod_gets_a_Failed_completion_condition()
    {
        var pod = Fixtures.Obj("{'metadata':{'name':'p'},'status':{'phase':'Failed','reason':'Evicted'}}");
        Assert.Equal("Evicted", Print(pod)[2]);
        var condition = Assert.Single(TablePrinters.For("", "Pod").Conditions(pod)!);
        Assert.Equal("Failed", condition!["reason"]!.GetValue<string>());
    }

    [Fact]
    public void Completed_container_next_to_a_running_one_reads_Running_or_NotReady()
    {
        const string statuses = """
            'containerStatuses':[
              {'name':'a','ready':false,'state':{'terminated':{'exitCode':0,'reason':'Completed'}}},
              {'name':'b','ready':true,'state':{'running':{}}}]
            """;
        var ready = Fixtures.Obj($$"""
            {'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'},{'name':'b'}]},
             'status':{'phase':'Running','conditions':[{'type':'Ready','status':'True'}],{{statuses}} } }
            """);
        Assert.Equal("1/2", Print(ready)[1]);
        Assert.Equal("Running", Print(ready)[2]);

        var notReady = Fixtures.Obj($$"""
            {'metadata':{'name':'p'},'spec':{'containers':[{'name':'a'},{'name':'b'}]},
             'status':{'phase':'Running','conditions':[{'type':'Ready','status':'False'}],{{statuses}} } }
            """);
        Assert.Equal("NotReady", Print(notReady)[2]);
    }

    [Fact]
    public void Deleting_pod_reads_Terminating()
    {
        var pod = Fixtures.Obj($$"""
            {'metadata':{'name':'p','deletionTimestamp':'{{Fixtures.Ago(10)}}'},'spec':{'containers':[{'name':'a'}]},
             'status':{'phase':'Running','containerStatuses':[{'name':'a','ready':true,'state':{'running':{ } } }]} }
            """);
        Assert.Equal("1/1", Print(pod)[1]);
        Assert.Equal("Terminating", Print(pod)[2]);
    }

    [Fact]
    public void Deleting_pod_on_a_lost_node_reads_Unknown()
    {
        var pod = Fixtures.Obj($$"""
            {'metadata':{'name':'p','deletionTimestamp':'{{Fixtures.Ago(10)}}'},
             'status':{'phase':'Running','reason':'NodeLost'} }
            """);
        Assert.Equal("Unknown", Print(pod)[2]);
    }

    [Fact]
    public void Deleting_a_finished_pod_keeps_its_final_status()
    {
        var pod = Fixtures.Obj($$"""
            {'metadata':{'name':'p','deletionTimestamp':'{{Fixtures.Ago(10)}}'},'spec':{'containers':[{'name':'a'}]},
             'status':{'phase':'Succeeded','containerStatuses':[{'name':'a','state':{'terminated':{'exitCode':0,'reason':'Completed'} } }]} }
            """);
        Assert.Equal("Completed", Print(pod)[2]);
    }

    [Fact]
    public void Scheduling_gated_pod_says_so()
    {
        var pod = Fixtures.Obj("""
            {'metadata':{'name':'p'},'spec':{'schedulingGates':[{'name':'g'}],'containers':[{'name':'a'}]},
             'status':{'phase':'Pending','conditions':[{'type':'PodScheduled','status':'False','reason':'SchedulingGated'}]}}
            """);
        Assert.Equal("SchedulingGated", Print(pod)[2]);
    }

    [Fact]
    public void Sidecars_count_towards_ready_and_their_restarts_stay_visible()
    {
        var pod = Fixtures.Obj($$"""
            {'metadata':{'name':'p'},
             'spec':{'initContainers':[{'name':'proxy','restartPolicy':'Always'},{'name':'setup'}],
                     'containers':[{'name':'app'}]},
             'status':{'phase':'Running',
              'conditions':[{'type':'Initialized','status':'True'},{'type':'Ready','status':'True'}],
              'initContainerStatuses':[
                {'name':'proxy','started':true,'ready':true,'restartCount':2,'state':{'running':{ } },
                 'lastState':{'terminated':{'exitCode':1,'finishedAt':'{{Fixtures.Ago(30)}}'} } },
                {'name':'setup','ready':false,'restartCount':0,'state':{'terminated':{'exitCode':0,'reason':'Completed'} } }],
              'containerStatuses':[{'name':'app','ready':true,'restartCount':1,'state':{'running':{ } },
                 'lastState':{'terminated':{'exitCode':1,'finishedAt':'{{Fixtures.Ago(600)}}'} } }]} }
            """);
        var cells = Print(pod);
        Assert.Equal("2/2", cells[1]);
        Assert.Equal("Running", cells[2]);
        Assert.Equal("3 (30s ago)", cells[3]);
    }

    [Fact]
    public void Unready_sidecar_is_counted_in_the_total_only()
    {
        var pod = Fixtures.Obj("""
            {'metadata':{'name':'p'},
             'spec':{'initContainers':[{'name':'proxy','restartPolicy':'Always'}],'containers':[{'name':'app'}]},
             'status':{'phase':'Running',
              'initContainerStatuses':[{'name':'proxy','started':true,'ready':false,'state':{'running':{}}}],
              'containerStatuses':[{'name':'app','ready':true,'state':{'running':{}}}]}}
            """);
        Assert.Equal("1/2", Print(pod)[1]);
    }

    [Fact]
    public void Sidecar_not_yet_started_blocks_initialization()
    {
        var pod = Fixtures.Obj("""
            {'metadata':{'name':'p'},
             'spec':{'initContainers':[{'name':'proxy','restartPolicy':'Always'},{'name':'setup'}],'containers':[{'name':'app'}]},
             'status':{'phase':'Pending',
              'initContainerStatuses':[{'name':'proxy','started':false,'ready':false,'state':{'running':{}}},
                                       {'name':'setup','state':{'waiting':{'reason':'PodInitializing'}}}]}}
            """);
        Assert.Equal("Init:0/2", Print(pod)[2]);
        Assert.Equal("0/2", Print(pod)[1]);
    }

    [Fact]
    public void Readiness_gates_count_true_conditions()
    {
        var pod = Fixtures.Obj("""
            {'metadata':{'name':'p'},
             'spec':{'readinessGates':[{'conditionType':'example.com/lb'},{'conditionType':'example.com/dns'}]},
             'status':{'phase':'Running','nominatedNodeName':'node-2',
              'conditions':[{'type':'example.com/lb','status':'True'},{'type':'example.com/dns','status':'False'}]}}
            """);
        var cells = Print(pod);
        Assert.Equal("node-2", cells[7]);
        Assert.Equal("1/2", cells[8]);
    }
}
