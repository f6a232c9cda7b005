namespace Shim.Printing.Tests;

public class NetworkPrinterTests
{
    [Fact]
    public void Endpoints_show_up_to_three_host_ports()
    {
        var ep = Fixtures.Obj("""
            {'metadata':{'name':'web'},'subsets':[
              {'addresses':[{'ip':'10.1.0.1'},{'ip':'10.1.0.2'}],'ports':[{'name':'http','port':80},{'name':'https','port':443}]},
              {'addresses':[{'ip':'fd00::3'}],'ports':[{'port':8080}]}]}
            """);
        Assert.Equal(["web", "10.1.0.1:80,10.1.0.2:80,10.1.0.1:443 + 2 more...", "<unknown>"], Fixtures.Cells("", "Endpoints", ep));

        var few = Fixtures.Obj("{'metadata':{'name':'db'},'subsets':[{'addresses':[{'ip':'fd00::3'}],'ports':[{'port':5432}]},{'addresses':[{'ip':'10.0.0.4'}]}]}");
        Assert.Equal("[fd00::3]:5432,10.0.0.4", Fixtures.Cells("", "Endpoints", few)[1]);

        Assert.Equal("<none>", Fixtures.Cells("", "Endpoints", Fixtures.Obj("{'metadata':{'name':'e'}}"))[1]);
    }

    [Fact]
    public void EndpointSlice_lists_ports_and_addresses()
    {
        var slice = Fixtures.Obj("""
            {'metadata':{'name':'web-abc'},'addressType':'IPv4',
             'ports':[{'name':'http','port':80},{'name':'named'},{}],
             'endpoints':[{'addresses':['10.1.0.1']},{'addresses':['10.1.0.2','10.1.0.3','10.1.0.4','10.1.0.5']}]}
            """);
        Assert.Equal(["web-abc", "IPv4", "80,named,*", "10.1.0.1,10.1.0.2,10.1.0.3 + 2 more...", "<unknown>"],
            Fixtures.Cells("discovery.k8s.io", "EndpointSlice", slice));

        var empty = Fixtures.Obj("{'metadata':{'name':'e'},'addressType':'IPv6'}");
        Assert.Equal(["e", "IPv6", "<unset>", "<unset>", "<unknown>"], Fixtures.Cells("discovery.k8s.io", "EndpointSlice", empty));
    }

    [Fact]
    public void Ingress_rows()
    {
        var ing = Fixtures.Obj("""
            {'metadata':{'name':'web'},
             'spec':{'ingressClassName':'nginx','tls':[{'hosts':['a.example.com']}],
                     'rules':[{'host':'a.example.com'},{'host':'b.example.com'},{},{'host':'c.example.com'},{'host':'d.example.com'}]},
             'status':{'loadBalancer':{'ingress':[{'ip':'192.0.2.10'},{'hostname':'lb.example.com'}]}}}
            """);
        Assert.Equal(["web", "nginx", "a.example.com,b.example.com,c.example.com + 2 more...", "192.0.2.10,lb.example.com", "80, 443", "<unknown>"],
            Fixtures.Cells("networking.k8s.io", "Ingress", ing));

        var bare = Fixtures.Obj("{'metadata':{'name':'any'},'spec':{'defaultBackend':{'service':{'name':'web'}}}}");
        Assert.Equal(["any", "<none>", "*", "", "80", "<unknown>"], Fixtures.Cells("networking.k8s.io", "Ingress", bare));
    }

    [Fact]
    public void IngressClass_and_NetworkPolicy_rows()
    {
        var ic = Fixtures.Obj("{'metadata':{'name':'nginx'},'spec':{'controller':'k8s.io/ingress-nginx','parameters':{'apiGroup':'k8s.example.com','kind':'IngressParameters','name':'external-lb'}}}");
        Assert.Equal(["nginx", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external-lb", "<unknown>"],
            Fixtures.Cells("networking.k8s.io", "IngressClass", ic));
        var noGroup = Fixtures.Obj("{'metadata':{'name':'c'},'spec':{'controller':'x','parameters':{'kind':'ConfigMap','name':'cfg'}}}");
        Assert.Equal("ConfigMap/cfg", Fixtures.Cells("networking.k8s.io", "IngressClass", noGroup)[2]);
        Assert.Equal("<none>", Fixtures.Cells("networking.k8s.io", "IngressClass", Fixtures.Obj("{'metadata':{'name':'c'},'spec':{'controller':'x'}}"))[2]);

        var np = Fixtures.Obj("{'metadata':{'name':'deny'},'spec':{'podSelector':{}}}");
        Assert.Equal(["deny", "<none>", "<unknown>"], Fixtures.Cells("networking.k8s.io", "NetworkPolicy", np));
        var selected = Fixtures.Obj("{'metadata':{'name':'db'},'spec':{'podSelector':{'matchLabels':{'role':'db'}}}}");
        Assert.Equal("role=db", Fixtures.Cells("networking.k8s.io", "NetworkPolicy", selected)[1]);
    }
}
