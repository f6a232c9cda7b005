using System.Text.Json.Nodes;

namespace Shim.Printing.Tests;

public class ServicePrinterTests
{
    private static readonly string Created = Fixtures.Ago(TimeSpan.FromDays(3));

    private static IReadOnlyList<object?> Print(JsonObject svc) => Fixtures.Cells("", "Service", svc);

    [Fact]
    public void Columns_match_upstream()
    {
        var columns = TablePrinters.For("", "Service").Columns;
        Assert.Equal(["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"], columns.Select(c => c.Name));
        Assert.Equal([0, 0, 0, 0, 0, 0, 1], columns.Select(c => c.Priority));
    }

    [Fact]
    public void ClusterIP_service()
    {
        var svc = Fixtures.Obj($$"""
            {'metadata':{'name':'web','creationTimestamp':'{{Created}}'},
             'spec':{'type':'ClusterIP','clusterIP':'10.96.0.10','clusterIPs':['10.96.0.10','fd00::a'],
                     'ports':[{'port':80,'protocol':'TCP','targetPort':8080},{'port':53,'protocol':'UDP'}],
                     'selector':{'tier':'fe','app':'web'} } }
            """);
        Assert.Equal(["web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP", "3d", "app=web,tier=fe"], Print(svc));
    }

    [Fact]
    public void NodePort_service_shows_node_ports_and_external_ips()
    {
        var svc = Fixtures.Obj("""
            {'metadata':{'name':'np'},
             'spec':{'type':'NodePort','clusterIPs':['10.96.1.1'],'externalIPs':['1.2.3.4','5.6.7.8'],
                     'ports':[{'port':80,'nodePort':30080,'protocol':'TCP'}]}}
            """);
        var cells = Print(svc);
        Assert.Equal("1.2.3.4,5.6.7.8", cells[3]);
        Assert.Equal("80:30080/TCP", cells[4]);
        Assert.Equal("<none>", cells[6]);
    }

    [Fact]
    public void LoadBalancer_without_ingress_is_pending()
    {
        var svc = Fixtures.Obj("{'metadata':{'name':'lb'},'spec':{'type':'LoadBalancer','clusterIPs':['10.96.2.2'],'ports':[{'port':443,'nodePort':31443,'protocol':'TCP'}]}}");
        Assert.Equal("<pending>", Print(svc)[3]);
        Assert.Equal("443:31443/TCP", Print(svc)[4]);
    }

    [Fact]
    public void LoadBalancer_lists_sorted_ingress_points_then_external_ips()
    {
        var svc = Fixtures.Obj("""
            {'metadata':{'name':'lb'},
             'spec':{'type':'LoadBalancer','clusterIPs':['10.96.2.2'],'externalIPs':['9.9.9.9']},
             'status':{'loadBalancer':{'ingress':[{'hostname':'lb.example.com'},{'ip':'203.0.113.7'},{'ip':'203.0.113.7'}]}}}
            """);
        Assert.Equal("203.0.113.7,lb.example.com,9.9.9.9", Print(svc)[3]);

        var noExternal = Fixtures.Obj("""
            {'metadata':{'name':'lb'},'spec':{'type':'LoadBalancer'},
             'status':{'loadBalancer':{'ingress':[{'ip':'203.0.113.8','hostname':'ignored.example.com'}]}}}
            """);
        Assert.Equal("203.0.113.8", Print(noExternal)[3]);
    }

    [Fact]
    public void Headless_service_shows_None()
    {
        var svc = Fixtures.Obj("{'metadata':{'name':'db'},'spec':{'type':'ClusterIP','clusterIP':'None','clusterIPs':['None'],'ports':[{'port':5432,'protocol':'TCP'}]}}");
        Assert.Equal("None", Print(svc)[2]);
    }

    [Fact]
    public void ExternalName_service_shows_the_target_name()
    {
        var svc = Fixtures.Obj("{'metadata':{'name':'ext'},'spec':{'type':'ExternalName','externalName':'db.example.com'}}");
        var cells = Print(svc);
        Assert.Equal("<none>", cells[2]);
        Assert.Equal("db.example.com", cells[3]);
        Assert.Equal("<none>", cells[4]);
    }
}
