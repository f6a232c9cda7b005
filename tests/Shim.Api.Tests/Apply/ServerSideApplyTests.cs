using System.Text.Json.Nodes;
using Shim.Api.Apply;
using Shim.Api.Errors;
using Shim.Api.Json;
using Xunit;
using static Shim.Api.Tests.Apply.ApplyTestData;

namespace Shim.Api.Tests.Apply;

public sealed class ServerSideApplyTests
{
    private static JsonObject Apply(JsonObject? current, JsonObject applied, string manager, bool force = false, int at = 0) =>
        ServerSideApply.Apply(current, applied, manager, force, "apps/v1", At(at), Deployment);

    private static ApiException Conflict(JsonObject? current, JsonObject applied, string manager) =>
        Assert.Throws<ApiException>(() => Apply(current, applied, manager));

    private static JsonObject WithoutManagedFields(JsonObject obj) => Edit(obj, o => o["metadata"]!.AsObject().Remove("managedFields"));

    [Fact]
    public void ApplyCreatesTheObjectAndOwnsTheConfiguration()
    {
        var created = Apply(null, AppliedDeployment(), "kubectl");
        Assert.Equal(AppliedDeployment().ToJsonString(), WithoutManagedFields(created).ToJsonString());
        var entry = Assert.Single(Entries(created));
        Assert.Equal(new Entry("kubectl", "Apply", "apps/v1", "2024-01-02T03:04:05Z", AppliedDeploymentFields, null), entry);
    }

    [Fact]
    public void ReapplyingWithoutAFieldRemovesIt()
    {
        var created = Stored(Apply(null, AppliedDeployment(), "mgr"));
        var config = Edit(AppliedDeployment(), o => o["spec"]!.AsObject().Remove("replicas"));
        var result = Apply(created, config, "mgr", at: 10);
        Assert.Null(result.At("spec", "replicas"));
        var entry = Single(result, "mgr", "Apply");
        Assert.False(FieldSet.Parse(entry.Fields).Has(FieldPath.Of("spec", "replicas")));
        Assert.Equal("2024-01-02T03:04:15Z", entry.Time);
    }

    [Fact]
    public void ReapplyingWithoutAFieldKeepsItWhenAnUpdaterOwnsIt()
    {
        var created = Stored(Apply(null, AppliedDeployment(), "mgr"));
        var scaled = Stored(ManagedFieldsUpdater.OnUpdate(created, Edit(created, o => o["spec"]!["replicas"] = 5), "hpa", null, "apps/v1", At(5), Deployment));
        Assert.False(FieldSet.Parse(Single(scaled, "mgr", "Apply").Fields).Has(FieldPath.Of("spec", "replicas")));

        var config = Edit(AppliedDeployment(), o => o["spec"]!.AsObject().Remove("replicas"));
        var result = Apply(scaled, config, "mgr", at: 10);
        Assert.Equal(5, result.Long("spec", "replicas"));
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", Single(result, "hpa").Fields);
    }

    [Fact]
    public void SameValueFromTwoAppliersIsSharedOwnership()
    {
        var created = Stored(Apply(null, AppliedDeployment(), "a"));
        var shared = Stored(Apply(created, J("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"default"},"spec":{"replicas":2}}"""), "b", at: 10));
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", Single(shared, "b", "Apply").Fields);
        Assert.True(FieldSet.Parse(Single(shared, "a", "Apply").Fields).Has(FieldPath.Of("spec", "replicas")));
        // Nothing changed, so b's entry carries no time.
        Assert.Null(Single(shared, "b", "Apply").Time);

        // a stops applying replicas: b still owns it, so it stays.
        var result = Apply(shared, Edit(AppliedDeployment(), o => o["spec"]!.AsObject().Remove("replicas")), "a", at: 20);
        Assert.Equal(2, result.Long("spec", "replicas"));
        Assert.False(FieldSet.Parse(Single(result, "a", "Apply").Fields).Has(FieldPath.Of("spec", "replicas")));
    }

    [Fact]
    public void DifferentValueOwnedByAnotherApplierConflicts()
    {
        var created = Stored(Apply(null, AppliedDeployment(), "a"));
        var error = Conflict(created, J("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx"},"spec":{"replicas":3}}"""), "b");
        Assert.Equal(409, error.Code);
        Assert.Equal("Conflict", error.Reason);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"a\": .spec.replicas", error.Message);
        var cause = Assert.Single(error.Causes);
        Assert.Equal(new StatusCause("FieldManagerConflict", "conflict with \"a\"", ".spec.replicas"), cause);
        var status = error.ToStatus();
        Assert.Null(status.At("details", "name"));
        Assert.Equal("FieldManagerConflict", status.Str("details", "causes", "0", "reason") ?? status["details"]!["causes"]![0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public void ForceTakesOwnershipFromTheOthers()
    {
        var created = Stored(Apply(null, AppliedDeployment(), "a"));
        var result = Apply(created, J("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx"},"spec":{"replicas":3}}"""), "b", force: true, at: 10);
        Assert.Equal(3, result.Long("spec", "replicas"));
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", Single(result, "b", "Apply").Fields);
        Assert.False(FieldSet.Parse(Single(result, "a", "Apply").Fields).Has(FieldPath.Of("spec", "replicas")));

        // a now conflicts with b when it re-applies its old value.
        var again = Conflict(Stored(result), AppliedDeployment(), "a");
        Assert.Equal("Apply failed with 1 conflict: conflict with \"b\": .spec.replicas", again.Message);
    }

    [Fact]
    public void ConflictWithAnUpdaterNamesItsVersion()
    {
        var created = Stored(ManagedFieldsUpdater.OnUpdate(null, CreatedDeployment(), "kubectl-client-side-apply", null, "apps/v1", T0, Deployment));
        var error = Conflict(created, AppliedDeployment(replicas: 3, image: "nginx"), "other");
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas", error.Message);
        Assert.Equal(".spec.replicas", Assert.Single(error.Causes).Field);
        Assert.Equal("conflict with \"kubectl-client-side-apply\" using apps/v1", error.Causes[0].Message);
    }

    [Fact]
    public void SeveralConflictsAreGroupedByManager()
    {
        var created = Stored(ManagedFieldsUpdater.OnUpdate(null, CreatedDeployment(), "kubectl-create", null, "apps/v1", T0, Deployment));
        var labelled = Stored(ManagedFieldsUpdater.OnUpdate(created, Edit(created, o => o["metadata"]!["labels"]!["tier"] = "web"), "labeller", "", "apps/v1", At(1), Deployment));
        var config = Edit(AppliedDeployment(replicas: 4, image: "nginx:2"), o => o["metadata"]!["labels"]!["tier"] = "db");
        var error = Conflict(labelled, config, "applier");
        Assert.Equal(
            "Apply failed with 3 conflicts: conflicts with \"kubectl-create\" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name=\"nginx\"].image\nconflicts with \"labeller\" using apps/v1:\n- .metadata.labels.tier",
            error.Message);
        Assert.Equal([".spec.replicas", ".spec.template.spec.containers[name=\"nginx\"].image", ".metadata.labels.tier"], error.Causes.Select(c => c.Field));
    }

    [Fact]
    public void ConflictsNameSubresources()
    {
        var created = Stored(Apply(null, AppliedDeployment(), "a"));
        var status = Stored(ManagedFieldsUpdater.OnUpdate(created, Edit(created, o => o["status"] = JsonNode.Parse("""{"replicas":2}""")), "kcm", "status", "apps/v1", At(1), Deployment));
        var error = Assert.Throws<ApiException>(() => ServerSideApply.Apply(status,
            J("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx"},"status":{"replicas":7}}"""), "b", false, "apps/v1", At(2), Deployment, "status"));
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kcm\" with subresource \"status\" using apps/v1: .status.replicas", error.Message);
    }

    [Fact]
    public void FirstApplyToAnUntrackedObjectSeesEverythingAsOwnedBeforeFirstApply()
    {
        var untracked = Stored(CreatedDeployment());
        var error = Conflict(untracked, AppliedDeployment(replicas: 3, image: "nginx"), "a");
        Assert.Equal("Apply failed with 1 conflict: conflict with \"before-first-apply\" using apps/v1: .spec.replicas", error.Message);

        var result = Apply(untracked, AppliedDeployment(replicas: 1, image: "nginx"), "a", at: 10);
        var entries = Entries(result);
        Assert.Equal(["a", "before-first-apply"], entries.Select(e => e.Manager));
        Assert.Equal("Apply", entries[0].Operation);
        var before = FieldSet.Parse(entries[1].Fields);
        Assert.True(before.Has(FieldPath.Of("spec", "replicas")));
        Assert.True(before.Has(FieldPath.Of("spec", "strategy", "type")));
        Assert.Equal("2024-01-02T03:04:15Z", entries[1].Time);
        // The new container port came from the apply.
        Assert.Equal(80, result.Long("spec", "template", "spec", "containers", "0", "ports", "0", "containerPort")
            ?? result["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!.GetValue<int>());
    }

    [Fact]
    public void KubectlTakesOverFieldsItsLastAppliedConfigurationStillMatches()
    {
        // kubectl apply (client side) created the object and recorded its configuration.
        var lastApplied = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"nginx","namespace":"default"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"image":"nginx","name":"nginx"}]}}}}""" + "\n";
        var csa = Edit(CreatedDeployment(), o => o["metadata"]!["annotations"] = new JsonObject { [ServerSideApply.LastAppliedAnnotation] = lastApplied });
        var created = Stored(ManagedFieldsUpdater.OnUpdate(null, csa, "kubectl-client-side-apply", null, "apps/v1", T0, Deployment));

        // Another manager would conflict, kubectl (server side) does not.
        Assert.Throws<ApiException>(() => Apply(created, AppliedDeployment(replicas: 3), "other"));
        var result = Apply(created, AppliedDeployment(replicas: 3), "kubectl", at: 10);
        Assert.Equal(3, result.Long("spec", "replicas"));
        Assert.Equal(AppliedDeploymentFields, Single(result, "kubectl", "Apply").Fields);
        Assert.False(FieldSet.Parse(Single(result, "kubectl-client-side-apply").Fields).Has(FieldPath.Of("spec", "replicas")));
        // The annotation follows the applied configuration.
        Assert.Equal(
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"nginx"},"name":"nginx","namespace":"default"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"image":"nginx:1.14.2","name":"nginx","ports":[{"containerPort":80}]}]}}}}""" + "\n",
            result.Str("metadata", "annotations", ServerSideApply.LastAppliedAnnotation));
    }

    [Fact]
    public void KubectlStillConflictsOnFieldsChangedSinceTheLastClientSideApply()
    {
        var lastApplied = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"default"},"spec":{"replicas":1}}""";
        var csa = Edit(CreatedDeployment(), o => o["metadata"]!["annotations"] = new JsonObject { [ServerSideApply.LastAppliedAnnotation] = lastApplied });
        var created = Stored(ManagedFieldsUpdater.OnUpdate(null, csa, "kubectl-client-side-apply", null, "apps/v1", T0, Deployment));
        var scaled = Stored(ManagedFieldsUpdater.OnUpdate(created, Edit(created, o => o["spec"]!["replicas"] = 4), "kubectl-scale", null, "apps/v1", At(1), Deployment));
        var error = Conflict(scaled, AppliedDeployment(replicas: 3, image: "nginx"), "kubectl");
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-scale\" using apps/v1: .spec.replicas", error.Message);
    }

    [Fact]
    public void MapListsMergeByKeyAndPruneItemsNoLongerApplied()
    {
        static JsonObject Config(params string[] names) => J("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[]}}}}""")
            .Also(o => o["spec"]!["template"]!["spec"]!["containers"] = new JsonArray(names.Select(n => (JsonNode)new JsonObject { ["name"] = n, ["image"] = n + ":1" }).ToArray()));

        var first = Stored(Apply(null, Config("a", "b"), "x"));
        var second = Apply(first, Config("b", "c"), "x", at: 1);
        Assert.Equal(["b", "c"], Names(second));

        // Items another applier owns survive; their order follows the live object, then the configuration.
        var other = Stored(Apply(first, Config("z"), "y", at: 2));
        Assert.Equal(["a", "b", "z"], Names(other));
        var third = Apply(other, Config("c", "b"), "x", at: 3);
        Assert.Equal(["c", "b", "z"], Names(third));
    }

    private static List<string> Names(JsonObject obj) =>
        obj["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();

    [Fact]
    public void AtomicListsAreReplacedAndSetsMerged()
    {
        var pod = J("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":["example.com/x"]},"spec":{"containers":[{"name":"c","image":"i","args":["a","b"]}]}}""");
        var created = Stored(ServerSideApply.Apply(null, pod, "x", false, "v1", T0, Pod));
        var config = J("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":["example.com/y"]},"spec":{"containers":[{"name":"c","args":["c"]}]}}""");
        var merged = ServerSideApply.Apply(created, config, "y", true, "v1", At(1), Pod);
        Assert.Equal("""["example.com/x","example.com/y"]""", merged.At("metadata", "finalizers")!.ToJsonString());
        Assert.Equal("""["c"]""", merged["spec"]!["containers"]![0]!["args"]!.ToJsonString());
        Assert.Equal("i", merged["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal(
            """{"f:metadata":{"f:finalizers":{"v:\"example.com/y\"":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:args":{},"f:name":{}}}}}""",
            Single(merged, "y", "Apply").Fields);
        // x lost args to the forced apply but keeps its finalizer and image.
        Assert.Equal(
            """{"f:metadata":{"f:finalizers":{"v:\"example.com/x\"":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:image":{},"f:name":{}}}}}""",
            Single(merged, "x", "Apply").Fields);
    }

    [Fact]
    public void AtomicMapsAreReplacedWholeAndGranularMapsMerged()
    {
        var created = Stored(Apply(null, AppliedDeployment(), "a"));
        var config = J("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","labels":{"extra":"1"}},"spec":{"selector":{"matchLabels":{"app":"other"}}}}""");
        var result = Apply(created, config, "b", force: true, at: 1);
        Assert.Equal("""{"app":"nginx","extra":"1"}""", result.At("metadata", "labels")!.ToJsonString());
        Assert.Equal("""{"matchLabels":{"app":"other"}}""", result.At("spec", "selector")!.ToJsonString());
    }

    [Fact]
    public void ApplyThatChangesNothingKeepsTheObjectAndTheTime()
    {
        var created = Stored(Apply(null, AppliedDeployment(), "a"));
        var again = Apply(created, AppliedDeployment(), "a", at: 100);
        Assert.Equal(WithoutManagedFields(created).ToJsonString(), WithoutManagedFields(again).ToJsonString());
        Assert.Equal("2024-01-02T03:04:05Z", Single(again, "a", "Apply").Time);
    }

    [Fact]
    public void UnsetFieldsOfAStructAreOwnedButNullsAreNotStored()
    {
        var cm = J("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1","b":null}}""");
        var created = ServerSideApply.Apply(null, cm, "m", false, "v1", T0, ConfigMap);
        Assert.Equal("""{"a":"1"}""", created["data"]!.ToJsonString());
        Assert.Equal("""{"f:data":{"f:a":{},"f:b":{}}}""", Single(created, "m", "Apply").Fields);
    }

    [Fact]
    public void ObjectsWithoutSchemaMergeMapsAndReplaceLists()
    {
        var cr = J("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"a":{"x":1},"list":[1,2]}}""");
        var created = Stored(ServerSideApply.Apply(null, cr, "m", false, "example.com/v1", T0, null));
        Assert.Equal("""{"f:spec":{".":{},"f:a":{".":{},"f:x":{}},"f:list":{}}}""", Single(created, "m", "Apply").Fields);
        var other = ServerSideApply.Apply(created, J("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"a":{"y":2},"list":[3]}}"""), "n", true, "example.com/v1", At(1), null);
        Assert.Equal("""{"a":{"x":1,"y":2},"list":[3]}""", other["spec"]!.ToJsonString());
    }

    [Fact]
    public void ApplyToStatusDoesNotOwnResetFields()
    {
        var created = Stored(Apply(null, AppliedDeployment(), "a"));
        var reset = ResetFields.For("apps", "Deployment", "status", hasStatusSubresource: true);
        var config = J("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx"},"spec":{"replicas":9},"status":{"replicas":2}}""");
        var result = ServerSideApply.Apply(created, config, "kcm", false, "apps/v1", At(1), Deployment, "status", reset);
        var entry = Single(result, "kcm", "Apply");
        Assert.Equal("""{"f:status":{"f:replicas":{}}}""", entry.Fields);
        Assert.Equal("status", entry.Subresource);
    }

    [Theory]
    [InlineData("""{"apiVersion":"apps/v1beta1","kind":"Deployment","metadata":{"name":"nginx"}}""", 400, "invalid object type: apps/v1beta1, Kind=Deployment")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"nginx"}}""", 400, "invalid object type: apps/v1, Kind=StatefulSet")]
    [InlineData("""{"kind":"Deployment","metadata":{"name":"nginx"}}""", 400, "invalid object type: /, Kind=Deployment")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","managedFields":[]}}""", 400, "metadata.managedFields must be nil")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","namespace":"ns"},"spec":{"template":{"spec":{"containers":[{"name":"c"},{"name":"c"}]}}}}""",
        500, "failed to create typed patch object (ns/nginx; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name=\"c\"]")]
    [InlineData("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx","finalizers":[{"a":1}]},"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"a"},{"name":"a"}]}}}}""",
        500, "failed to create typed patch object (/nginx; apps/v1, Kind=Deployment): errors:\n  .metadata.finalizers: element 0: associative list without keys has an element that's a map type\n  .spec.template.spec.imagePullSecrets: duplicate entries for key [name=\"a\"]")]
    public void InvalidConfigurationsAreRefused(string config, int code, string message)
    {
        var created = Stored(Apply(null, AppliedDeployment(), "a"));
        var error = Assert.Throws<ApiException>(() => Apply(created, J(config), "b"));
        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void InputsAreNotModified()
    {
        var created = Stored(Apply(null, AppliedDeployment(), "a"));
        var config = AppliedDeployment(replicas: 7);
        var (before, applied) = (created.ToJsonString(), config.ToJsonString());
        Apply(created, config, "a", at: 1);
        Assert.Equal(before, created.ToJsonString());
        Assert.Equal(applied, config.ToJsonString());
    }

    [Fact]
    public void ApplyingAgainWithAChangedValueUpdatesObjectAndTime()
    {
        var created = Stored(Apply(null, AppliedDeployment(), "a"));
        var result = Apply(created, AppliedDeployment(replicas: 5, image: "nginx:2"), "a", at: 30);
        Assert.Equal(5, result.Long("spec", "replicas"));
        Assert.Equal("nginx:2", result["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        var entry = Assert.Single(Entries(result));
        Assert.Equal(new Entry("a", "Apply", "apps/v1", "2024-01-02T03:04:35Z", AppliedDeploymentFields, null), entry);
    }

    [Fact]
    public void ApplierDroppingAContainerRemovesItEvenIfAnUpdaterChangedOneOfItsFields()
    {
        var config = Edit(AppliedDeployment(), o => o["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Add(JsonNode.Parse("""{"name":"sidecar","image":"busybox"}""")));
        var created = Stored(Apply(null, config, "a"));
        var edited = Stored(ManagedFieldsUpdater.OnUpdate(created, Edit(created, o => o["spec"]!["template"]!["spec"]!["containers"]![1]!["image"] = "busybox:2"), "kubectl-edit", null, "apps/v1", At(1), Deployment));
        var result = Apply(edited, AppliedDeployment(), "a", at: 2);
        Assert.Equal(["nginx"], Names(result));
        Assert.DoesNotContain(Entries(result), e => e.Manager == "kubectl-edit");
    }
}

internal static class JsonObjectTestExtensions
{
    public static JsonObject Also(this JsonObject o, Action<JsonObject> change)
    {
        change(o);
        return o;
    }
}
