namespace Shim.Printing.Tests;

public class AutoscalingPrinterTests
{
    [Fact]
    public void V2_autoscaler_with_several_metrics()
    {
        var hpa = Fixtures.Obj("""
            {'apiVersion':'autoscaling/v2','metadata':{'name':'web'},
             'spec':{'scaleTargetRef':{'apiVersion':'apps/v1','kind':'Deployment','name':'web'},'minReplicas':2,'maxReplicas':10,
               'metrics':[
                 {'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization','averageUtilization':80}}},
                 {'type':'Resource','resource':{'name':'memory','target':{'type':'AverageValue','averageValue':'512Mi'}}},
                 {'type':'Pods','pods':{'metric':{'name':'rps'},'target':{'type':'AverageValue','averageValue':'1k'}}}]},
             'status':{'currentReplicas':3,'currentMetrics':[
                 {'type':'Resource','resource':{'name':'cpu','current':{'averageUtilization':40,'averageValue':'120m'}}},
                 {'type':'Resource','resource':{'name':'memory','current':{'averageValue':'200Mi'}}}]}}
            """);
        Assert.Equal(["web", "Deployment/web", "cpu: 40%/80%, memory: 200Mi/512Mi + 1 more...", "2", 10L, 3L, "<unknown>"],
            Fixtures.Cells("autoscaling", "HorizontalPodAutoscaler", hpa));
    }

    [Fact]
    public void V2_metric_kinds_without_status()
    {
        var hpa = Fixtures.Obj("""
            {'apiVersion':'autoscaling/v2','metadata':{'name':'q'},
             'spec':{'scaleTargetRef':{'kind':'StatefulSet','name':'q'},'maxReplicas':5,
               'metrics':[
                 {'type':'External','external':{'metric':{'name':'queue'},'target':{'type':'AverageValue','averageValue':'30'}}},
                 {'type':'Object','object':{'metric':{'name':'hits'},'target':{'type':'Value','value':'2000m'}}}]}}
            """);
        Assert.Equal(["q", "StatefulSet/q", "<unknown>/30 (avg), <unknown>/2", "<unset>", 5L, 0L, "<unknown>"],
            Fixtures.Cells("autoscaling", "HorizontalPodAutoscaler", hpa));

        var none = Fixtures.Obj("{'apiVersion':'autoscaling/v2','metadata':{'name':'n'},'spec':{'maxReplicas':1}}");
        Assert.Equal("<none>", Fixtures.Cells("autoscaling", "HorizontalPodAutoscaler", none)[2]);
    }

    [Fact]
    public void V1_autoscaler_is_shown_as_a_cpu_utilization_metric()
    {
        var hpa = Fixtures.Obj("""
            {'apiVersion':'autoscaling/v1','metadata':{'name':'php'},
             'spec':{'scaleTargetRef':{'kind':'Deployment','name':'php'},'minReplicas':1,'maxReplicas':10,'targetCPUUtilizationPercentage':50},
             'status':{'currentReplicas':1,'desiredReplicas':1,'currentCPUUtilizationPercentage':0}}
            """);
        Assert.Equal(["php", "Deployment/php", "cpu: 0%/50%", "1", 10L, 1L, "<unknown>"],
            Fixtures.Cells("autoscaling", "HorizontalPodAutoscaler", hpa));

        // v1 without a target gets the implicit 80% CPU target from conversion.
        var implicitTarget = Fixtures.Obj("{'apiVersion':'autoscaling/v1','metadata':{'name':'d'},'spec':{'scaleTargetRef':{'kind':'Deployment','name':'d'},'maxReplicas':3}}");
        Assert.Equal("cpu: <unknown>/80%", Fixtures.Cells("autoscaling", "HorizontalPodAutoscaler", implicitTarget)[2]);
    }

    [Fact]
    public void PodDisruptionBudget_rows()
    {
        var pdb = Fixtures.Obj("{'metadata':{'name':'web'},'spec':{'minAvailable':2},'status':{'disruptionsAllowed':1}}");
        Assert.Equal(["web", "2", "N/A", 1L, "<unknown>"], Fixtures.Cells("policy", "PodDisruptionBudget", pdb));
        var percent = Fixtures.Obj("{'metadata':{'name':'db'},'spec':{'maxUnavailable':'25%'}}");
        Assert.Equal(["db", "N/A", "25%", 0L, "<unknown>"], Fixtures.Cells("policy", "PodDisruptionBudget", percent));
    }
}
