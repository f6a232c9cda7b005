using System.Text.Json.Nodes;

namespace Shim.Printing.Tests;

public class TablePrintersTests
{
    public static TheoryData<string, string> BuiltInKinds => new()
    {
        { "", "Pod" }, { "", "Service" }, { "", "ReplicationController" }, { "", "ConfigMap" }, { "", "Secret" },
        { "", "Namespace" }, { "", "Node" }, { "", "Event" }, { "", "Endpoints" }, { "", "ServiceAccount" },
        { "", "PersistentVolume" }, { "", "PersistentVolumeClaim" }, { "", "ResourceQuota" }, { "", "PodTemplate" },
        { "apps", "Deployment" }, { "apps", "ReplicaSet" }, { "apps", "StatefulSet" }, { "apps", "DaemonSet" },
        { "apps", "ControllerRevision" }, { "batch", "Job" }, { "batch", "CronJob" }, { "events.k8s.io", "Event" },
        { "discovery.k8s.io", "EndpointSlice" }, { "networking.k8s.io", "Ingress" }, { "networking.k8s.io", "IngressClass" },
        { "networking.k8s.io", "NetworkPolicy" }, { "autoscaling", "HorizontalPodAutoscaler" },
        { "policy", "PodDisruptionBudget" }, { "rbac.authorization.k8s.io", "RoleBinding" },
        { "rbac.authorization.k8s.io", "ClusterRoleBinding" }, { "coordination.k8s.io", "Lease" },
        { "storage.k8s.io", "StorageClass" }, { "scheduling.k8s.io", "PriorityClass" },
    };

    [Theory]
    [MemberData(nameof(BuiltInKinds))]
    public void Every_built_in_printer_fills_every_column_even_for_a_bare_object(string group, string kind)
    {
        Assert.True(TablePrinters.HasPrinter(group, kind));
        var printer = TablePrinters.For(group, kind);
        Assert.All(printer.Columns, c =>
        {
            Assert.Contains(c.Type, new[] { "string", "integer", "number", "boolean", "date" });
            Assert.False(string.IsNullOrWhiteSpace(c.Description));
            Assert.InRange(c.Priority, 0, 1);
        });
        Assert.Single(printer.Columns, c => c.Format == "name");

        foreach (var obj in new[] { new JsonObject(), Fixtures.Obj("{'metadata':{'name':'x'},'spec':null,'status':{}}") })
        {
            var cells = printer.Cells(obj, Fixtures.Now);
            Assert.Equal(printer.Columns.Count, cells.Count);
            Assert.All(cells, c => Assert.True(c is string or long or bool, $"{kind}: unexpected cell {c?.GetType()}"));
        }
    }

    [Theory]
    [MemberData(nameof(BuiltInKinds))]
    public void Integer_columns_hold_long_cells(string group, string kind)
    {
        var printer = TablePrinters.For(group, kind);
        var cells = printer.Cells(Fixtures.Obj("{'metadata':{'name':'x'}}"), Fixtures.Now);
        for (var i = 0; i < cells.Count; i++)
        {
            if (printer.Columns[i].Type == "integer")
            {
                Assert.IsType<long>(cells[i]);
            }
        }
    }

    [Theory]
    [InlineData("rbac.authorization.k8s.io", "Role")]
    [InlineData("rbac.authorization.k8s.io", "ClusterRole")]
    [InlineData("", "LimitRange")]
    [InlineData("apiextensions.k8s.io", "CustomResourceDefinition")]
    [InlineData("example.com", "Widget")]
    [InlineData("apps", "Pod")]
    public void Kinds_without_a_printer_get_the_default_table(string group, string kind)
    {
        Assert.False(TablePrinters.HasPrinter(group, kind));
        var printer = TablePrinters.For(group, kind);
        Assert.Collection(printer.Columns,
            c => Assert.Equal(("Name", "string", "name", 0), (c.Name, c.Type, c.Format, c.Priority)),
            c => Assert.Equal(("Created At", "date", "", 0), (c.Name, c.Type, c.Format, c.Priority)));

        var role = Fixtures.Obj("{'metadata':{'name':'reader','namespace':'default','creationTimestamp':'2024-04-30T10:00:00Z'},'rules':[]}");
        Assert.Equal(["reader", "2024-04-30T10:00:00Z"], printer.Cells(role, Fixtures.Now));
        Assert.Null(printer.Conditions(role));
    }

    [Fact]
    public void Default_table_normalises_the_timestamp_to_utc()
    {
        var printer = TablePrinters.For("", "LimitRange");
        var obj = Fixtures.Obj("{'metadata':{'name':'lr','creationTimestamp':'2024-04-30T12:30:00+02:00'}}");
        Assert.Equal(["lr", "2024-04-30T10:30:00Z"], printer.Cells(obj, Fixtures.Now));
        // Go prints an unset time as its zero value.
        Assert.Equal(["", "0001-01-01T00:00:00Z"], printer.Cells(new JsonObject(), Fixtures.Now));
    }
}
