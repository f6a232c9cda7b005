namespace Shim.Printing.Tests;

public class WorkloadPrinterTests
{
    private static readonly string Created = Fixtures.Ago(TimeSpan.FromHours(26));

    private const string Template = """
        'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[
          {'name':'web','image':'nginx:1.27'},{'name':'log','image':'busybox'}]}}
        """;

    [Fact]
    public void Deployment_row()
    {
        var deploy = Fixtures.Obj($$"""
            {'metadata':{'name':'web','creationTimestamp':'{{Created}}'},
             'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'} },{{Template}} },
             'status':{'replicas':3,'readyReplicas':2,'updatedReplicas':3,'availableReplicas':2} }
            """);
        Assert.Equal(["web", "2/3", 3L, 2L, "26h", "web,log", "nginx:1.27,busybox", "app=web"],
            Fixtures.Cells("apps", "Deployment", deploy));

        var columns = TablePrinters.For("apps", "Deployment").Columns;
        Assert.Equal(["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"], columns.Select(c => c.Name));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1], columns.Select(c => c.Priority));
    }

    [Fact]
    public void Deployment_without_status_counts_zero_and_defaults_to_one_replica()
    {
        var deploy = Fixtures.Obj("{'metadata':{'name':'d'},'spec':{'selector':{}}}");
        Assert.Equal(["d", "0/1", 0L, 0L, "<unknown>", "", "", ""], Fixtures.Cells("apps", "Deployment", deploy));
    }

    [Fact]
    public void ReplicaSet_and_ReplicationController_rows()
    {
        var rs = Fixtures.Obj($$"""
            {'metadata':{'name':'web-7d9'},
             'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'},'matchExpressions':[{'key':'pod-template-hash','operator':'In','values':['7d9']}]},{{Template}} },
             'status':{'replicas':2,'readyReplicas':1} }
            """);
        Assert.Equal(["web-7d9", 2L, 2L, 1L, "<unknown>", "web,log", "nginx:1.27,busybox", "app=web,pod-template-hash in (7d9)"],
            Fixtures.Cells("apps", "ReplicaSet", rs));

        var rc = Fixtures.Obj("{'metadata':{'name':'rc'},'spec':{'replicas':0,'selector':{'b':'2','a':'1'}},'status':{}}");
        Assert.Equal(["rc", 0L, 0L, 0L, "<unknown>", "", "", "a=1,b=2"], Fixtures.Cells("", "ReplicationController", rc));
    }

    [Fact]
    public void StatefulSet_and_DaemonSet_rows()
    {
        var sts = Fixtures.Obj($$"""
            {'metadata':{'name':'db'},'spec':{'replicas':3,{{Template}} },'status':{'readyReplicas':3} }
            """);
        Assert.Equal(["db", "3/3", "<unknown>", "web,log", "nginx:1.27,busybox"], Fixtures.Cells("apps", "StatefulSet", sts));

        var ds = Fixtures.Obj("""
            {'metadata':{'name':'agent'},
             'spec':{'selector':{'matchLabels':{'app':'agent'}},
                     'template':{'spec':{'nodeSelector':{'kubernetes.io/os':'linux'},'containers':[{'name':'a','image':'agent:1'}]}}},
             'status':{'desiredNumberScheduled':4,'currentNumberScheduled':4,'numberReady':3,'updatedNumberScheduled':4,'numberAvailable':3}}
            """);
        Assert.Equal(["agent", 4L, 4L, 3L, 4L, 3L, "kubernetes.io/os=linux", "<unknown>", "a", "agent:1", "app=agent"],
            Fixtures.Cells("apps", "DaemonSet", ds));
    }

    [Fact]
    public void Job_rows_cover_status_completions_and_duration()
    {
        var complete = Fixtures.Obj($$"""
            {'metadata':{'name':'pi','creationTimestamp':'{{Fixtures.Ago(600)}}'},
             'spec':{'completions':1,'parallelism':1,'selector':{'matchLabels':{'batch.kubernetes.io/controller-uid':'u1'} },
                     'template':{'spec':{'containers':[{'name':'pi','image':'perl:5.34'}]} } },
             'status':{'succeeded':1,'startTime':'{{Fixtures.Ago(590)}}','completionTime':'{{Fixtures.Ago(545)}}',
                       'conditions':[{'type':'SuccessCriteriaMet','status':'True'},{'type':'Complete','status':'True'}]} }
            """);
        Assert.Equal(["pi", "Complete", "1/1", "45s", "10m", "pi", "perl:5.34", "batch.kubernetes.io/controller-uid=u1"],
            Fixtures.Cells("batch", "Job", complete));

        var running = Fixtures.Obj($$"""
            {'metadata':{'name':'work'},'spec':{'parallelism':3},
             'status':{'succeeded':0,'active':3,'startTime':'{{Fixtures.Ago(125)}}'} }
            """);
        var cells = Fixtures.Cells("batch", "Job", running);
        Assert.Equal("Running", cells[1]);
        Assert.Equal("0/1 of 3", cells[2]);
        Assert.Equal("2m5s", cells[3]);
        Assert.Equal("<none>", cells[7]);

        var notStarted = Fixtures.Obj("{'metadata':{'name':'n'},'spec':{'parallelism':1}}");
        Assert.Equal("0/1", Fixtures.Cells("batch", "Job", notStarted)[2]);
        Assert.Equal("", Fixtures.Cells("batch", "Job", notStarted)[3]);
    }

    [Theory]
    [InlineData("[{'type':'Failed','status':'True'}]", false, "Failed")]
    [InlineData("[{'type':'Complete','status':'True'}]", true, "Complete")]
    [InlineData("[{'type':'Suspended','status':'True'}]", true, "Terminating")]
    [InlineData("[{'type':'Suspended','status':'True'}]", false, "Suspended")]
    [InlineData("[{'type':'FailureTarget','status':'True'}]", false, "FailureTarget")]
    [InlineData("[{'type':'Suspended','status':'False'}]", false, "Running")]
    public void Job_status_precedence(string conditions, bool deleting, string expected)
    {
        var deletion = deleting ? $",'deletionTimestamp':'{Fixtures.Ago(1)}'" : "";
        var job = Fixtures.Obj($"{{'metadata':{{'name':'j'{deletion}}},'spec':{{}},'status':{{'conditions':{conditions}}}}}");
        Assert.Equal(expected, Fixtures.Cells("batch", "Job", job)[1]);
    }

    [Fact]
    public void CronJob_rows()
    {
        var cron = Fixtures.Obj($$"""
            {'metadata':{'name':'hello','creationTimestamp':'{{Fixtures.Ago(TimeSpan.FromDays(10))}}'},
             'spec':{'schedule':'*/5 * * * *','suspend':false,
                     'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'hello','image':'busybox:1.36'}]} } } } },
             'status':{'active':[{'name':'hello-1'},{'name':'hello-2'}],'lastScheduleTime':'{{Fixtures.Ago(300)}}'} }
            """);
        Assert.Equal(["hello", "*/5 * * * *", "<none>", "False", 2L, "5m", "10d", "hello", "busybox:1.36", "<none>"],
            Fixtures.Cells("batch", "CronJob", cron));

        var zoned = Fixtures.Obj("{'metadata':{'name':'z'},'spec':{'schedule':'0 3 * * *','timeZone':'Europe/Berlin'}}");
        var cells = Fixtures.Cells("batch", "CronJob", zoned);
        Assert.Equal("Europe/Berlin", cells[2]);
        Assert.Equal("<unset>", cells[3]);
        Assert.Equal(0L, cells[4]);
        Assert.Equal("<none>", cells[5]);

        var columns = TablePrinters.For("batch", "CronJob").Columns;
        Assert.Equal(["Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers", "Images", "Selector"],
            columns.Select(c => c.Name));
        Assert.Equal("boolean", columns[3].Type);
        Assert.Equal("integer", columns[4].Type);
    }

    [Fact]
    public void Job_columns_include_status()
    {
        var columns = TablePrinters.For("batch", "Job").Columns;
        Assert.Equal(["Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector"], columns.Select(c => c.Name));
    }

    [Fact]
    public void ControllerRevision_names_its_controller()
    {
        var rev = Fixtures.Obj("""
            {'metadata':{'name':'agent-6f7','ownerReferences':[
               {'apiVersion':'apps/v1','kind':'DaemonSet','name':'agent','controller':true}]},'revision':4}
            """);
        Assert.Equal(["agent-6f7", "daemonset.apps/agent", 4L, "<unknown>"], Fixtures.Cells("apps", "ControllerRevision", rev));

        var orphan = Fixtures.Obj("{'metadata':{'name':'x'},'revision':1}");
        Assert.Equal("<none>", Fixtures.Cells("apps", "ControllerRevision", orphan)[1]);
    }

    [Fact]
    public void PodTemplate_row()
    {
        var template = Fixtures.Obj($$"""{'metadata':{'name':'t'},{{Template}} }""");
        Assert.Equal(["t", "web,log", "nginx:1.27,busybox", "app=web"], Fixtures.Cells("", "PodTemplate", template));
    }
}
