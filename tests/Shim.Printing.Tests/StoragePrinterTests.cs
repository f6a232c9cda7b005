namespace Shim.Printing.Tests;

public class StoragePrinterTests
{
    [Fact]
    public void Bound_persistent_volume()
    {
        var pv = Fixtures.Obj($$"""
            {'metadata':{'name':'pv-1','creationTimestamp':'{{Fixtures.Ago(7200)}}'},
             'spec':{'capacity':{'storage':'10Gi'},'accessModes':['ReadWriteMany','ReadWriteOnce','ReadWriteOnce'],
                     'persistentVolumeReclaimPolicy':'Retain','claimRef':{'namespace':'default','name':'data'},
                     'storageClassName':'fast','volumeMode':'Filesystem'},
             'status':{'phase':'Bound'} }
            """);
        Assert.Equal(["pv-1", "10Gi", "RWO,RWX", "Retain", "Bound", "default/data", "fast", "<unset>", "", "120m", "Filesystem"],
            Fixtures.Cells("", "PersistentVolume", pv));

        var columns = TablePrinters.For("", "PersistentVolume").Columns;
        Assert.Equal(["Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass", "VolumeAttributesClass", "Reason", "Age", "VolumeMode"],
            columns.Select(c => c.Name));
    }

    [Fact]
    public void Deleting_volume_and_beta_class_annotation()
    {
        var pv = Fixtures.Obj($$"""
            {'metadata':{'name':'pv-2','deletionTimestamp':'{{Fixtures.Ago(1)}}',
               'annotations':{'volume.beta.kubernetes.io/storage-class':'legacy'} },
             'spec':{'capacity':{'storage':'1024Mi'},'accessModes':['ReadWriteOncePod','ReadOnlyMany'],'storageClassName':'ignored',
                     'volumeAttributesClassName':'gold'},
             'status':{'phase':'Released'} }
            """);
        var cells = Fixtures.Cells("", "PersistentVolume", pv);
        Assert.Equal("1Gi", cells[1]);
        Assert.Equal("ROX,RWOP", cells[2]);
        Assert.Equal("Terminating", cells[4]);
        Assert.Equal("", cells[5]);
        Assert.Equal("legacy", cells[6]);
        Assert.Equal("gold", cells[7]);
        Assert.Equal("<unset>", cells[10]);
    }

    [Fact]
    public void Claim_shows_size_and_modes_only_once_bound()
    {
        var pending = Fixtures.Obj("""
            {'metadata':{'name':'data'},
             'spec':{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'5Gi'}},'storageClassName':'fast','volumeMode':'Filesystem'},
             'status':{'phase':'Pending'}}
            """);
        Assert.Equal(["data", "Pending", "", "", "", "fast", "<unset>", "<unknown>", "Filesystem"],
            Fixtures.Cells("", "PersistentVolumeClaim", pending));

        var bound = Fixtures.Obj("""
            {'metadata':{'name':'data'},
             'spec':{'accessModes':['ReadWriteOnce'],'volumeName':'pv-1','volumeAttributesClassName':'silver'},
             'status':{'phase':'Bound','accessModes':['ReadWriteOnce'],'capacity':{'storage':'5120Mi'}}}
            """);
        Assert.Equal(["data", "Bound", "pv-1", "5Gi", "RWO", "", "silver", "<unknown>", "<unset>"],
            Fixtures.Cells("", "PersistentVolumeClaim", bound));
    }

    [Fact]
    public void StorageClass_marks_the_default_and_fills_defaults()
    {
        var sc = Fixtures.Obj("""
            {'metadata':{'name':'standard','annotations':{'storageclass.kubernetes.io/is-default-class':'true'}},
             'provisioner':'rancher.io/local-path','volumeBindingMode':'WaitForFirstConsumer','allowVolumeExpansion':true}
            """);
        Assert.Equal(["standard (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", true, "<unknown>"],
            Fixtures.Cells("storage.k8s.io", "StorageClass", sc));

        var plain = Fixtures.Obj("{'metadata':{'name':'slow'},'provisioner':'x','reclaimPolicy':'Retain'}");
        Assert.Equal(["slow", "x", "Retain", "Immediate", false, "<unknown>"], Fixtures.Cells("storage.k8s.io", "StorageClass", plain));
    }
}
