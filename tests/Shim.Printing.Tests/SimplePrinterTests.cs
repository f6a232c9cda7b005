namespace Shim.Printing.Tests;

public class SimplePrinterTests
{
    private static readonly string Created = Fixtures.Ago(TimeSpan.FromDays(1));

    [Fact]
    public void ConfigMap_counts_data_and_binary_data()
    {
        var cm = Fixtures.Obj($$"""{'metadata':{'name':'cfg','creationTimestamp':'{{Created}}'},'data':{'a':'1','b':'2'},'binaryData':{'c':'AA=='} }""");
        Assert.Equal(["cfg", 3L, "24h"], Fixtures.Cells("", "ConfigMap", cm));
    }

    [Fact]
    public void Secret_shows_type_and_key_count()
    {
        var secret = Fixtures.Obj("{'metadata':{'name':'tls'},'type':'kubernetes.io/tls','data':{'tls.crt':'x','tls.key':'y'}}");
        Assert.Equal(["tls", "kubernetes.io/tls", 2L, "<unknown>"], Fixtures.Cells("", "Secret", secret));
    }

    [Fact]
    public void Namespace_ServiceAccount_and_Lease_rows()
    {
        Assert.Equal(["default", "Active", "24h"],
            Fixtures.Cells("", "Namespace", Fixtures.Obj($$"""{'metadata':{'name':'default','creationTimestamp':'{{Created}}'},'status':{'phase':'Active'} }""")));
        Assert.Equal(["builder", 1L, "<unknown>"],
            Fixtures.Cells("", "ServiceAccount", Fixtures.Obj("{'metadata':{'name':'builder'},'secrets':[{'name':'builder-token'}]}")));
        Assert.Equal(["kube-scheduler", "node-1_abc", "<unknown>"],
            Fixtures.Cells("coordination.k8s.io", "Lease", Fixtures.Obj("{'metadata':{'name':'kube-scheduler'},'spec':{'holderIdentity':'node-1_abc'}}")));
        Assert.Equal(["free", "", "<unknown>"],
            Fixtures.Cells("coordination.k8s.io", "Lease", Fixtures.Obj("{'metadata':{'name':'free'},'spec':{}}")));
    }

    [Fact]
    public void PriorityClass_row()
    {
        var pc = Fixtures.Obj("{'metadata':{'name':'system-node-critical'},'value':2000001000,'preemptionPolicy':'PreemptLowerPriority'}");
        Assert.Equal(["system-node-critical", 2000001000L, false, "<unknown>", "PreemptLowerPriority"],
            Fixtures.Cells("scheduling.k8s.io", "PriorityClass", pc));
        var columns = TablePrinters.For("scheduling.k8s.io", "PriorityClass").Columns;
        Assert.Equal(["integer", "boolean"], columns.Skip(1).Take(2).Select(c => c.Type));
    }

    [Fact]
    public void RoleBinding_and_ClusterRoleBinding_list_subjects()
    {
        var rb = Fixtures.Obj("""
            {'metadata':{'name':'edit'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'ClusterRole','name':'edit'},
             'subjects':[{'kind':'User','name':'alice'},{'kind':'Group','name':'devs'},{'kind':'User','name':'bob'},
                         {'kind':'ServiceAccount','name':'ci','namespace':'build'}]}
            """);
        Assert.Equal(["edit", "ClusterRole/edit", "<unknown>", "alice, bob", "devs", "build/ci"],
            Fixtures.Cells("rbac.authorization.k8s.io", "RoleBinding", rb));

        var crb = Fixtures.Obj("{'metadata':{'name':'admin'},'roleRef':{'kind':'ClusterRole','name':'cluster-admin'}}");
        Assert.Equal(["admin", "ClusterRole/cluster-admin", "<unknown>", "", "", ""],
            Fixtures.Cells("rbac.authorization.k8s.io", "ClusterRoleBinding", crb));
        Assert.Equal([0, 0, 0, 1, 1, 1], TablePrinters.For("rbac.authorization.k8s.io", "ClusterRoleBinding").Columns.Select(c => c.Priority));
    }

    [Fact]
    public void ResourceQuota_splits_limits_from_requests()
    {
        var quota = Fixtures.Obj("""
            {'metadata':{'name':'compute'},
             'status':{'hard':{'pods':'10','requests.cpu':'4','limits.memory':'8Gi','limits.cpu':'8','requests.memory':'4096Mi'},
                       'used':{'pods':'3','requests.cpu':'1500m','limits.cpu':'2'}}}
            """);
        Assert.Equal(["compute", "pods: 3/10, requests.cpu: 1500m/4, requests.memory: 0/4Gi", "limits.cpu: 2/8, limits.memory: 0/8Gi", "<unknown>"],
            Fixtures.Cells("", "ResourceQuota", quota));

        var empty = Fixtures.Obj("{'metadata':{'name':'none'}}");
        Assert.Equal(["none", "", "", "<unknown>"], Fixtures.Cells("", "ResourceQuota", empty));
    }
}
