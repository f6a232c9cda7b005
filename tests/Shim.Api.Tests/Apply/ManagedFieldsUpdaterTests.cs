using System.Text.Json.Nodes;
using Shim.Api.Apply;
using Shim.Api.Json;
using Xunit;
using static Shim.Api.Tests.Apply.ApplyTestData;

namespace Shim.Api.Tests.Apply;

public sealed class ManagedFieldsUpdaterTests
{
    private static JsonObject Create(JsonObject obj, string manager = "kubectl-create") =>
        ManagedFieldsUpdater.OnUpdate(null, obj, manager, null, "apps/v1", T0, Deployment);

    [Fact]
    public void CreateAttributesEverythingToTheCreator()
    {
        var created = Create(CreatedDeployment());
        var entry = Assert.Single(Entries(created));
        Assert.Equal(new Entry("kubectl-create", "Update", "apps/v1", "2024-01-02T03:04:05Z", CreatedDeploymentFields, null), entry);
        var raw = created.At("metadata", "managedFields")![0]!.AsObject();
        Assert.Equal(["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1"], raw.Select(p => p.Key));
        Assert.Equal("FieldsV1", raw.Str("fieldsType"));
        // The rest of the object is untouched.
        Assert.Equal(CreatedDeployment().ToJsonString(), Edit(created, o => o["metadata"]!.AsObject().Remove("managedFields")).ToJsonString());
    }

    [Fact]
    public void CreateOfAConfigMapMarksNewMapsWithDot()
    {
        var cm = J("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"d"},"data":{"a":"1","b":"2"}}""");
        var created = ManagedFieldsUpdater.OnUpdate(null, cm, "kubectl-create", null, "v1", T0, ConfigMap);
        Assert.Equal("""{"f:data":{".":{},"f:a":{},"f:b":{}}}""", Single(created, "kubectl-create").Fields);
    }

    [Fact]
    public void UpdateTakesChangedFieldsFromTheirOwners()
    {
        var created = Stored(Create(CreatedDeployment()));
        var edited = Edit(created, o =>
        {
            o["spec"]!["replicas"] = 3;
            o["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "nginx:2";
            o["metadata"]!["labels"]!["tier"] = "web";
        });
        var result = ManagedFieldsUpdater.OnUpdate(created, edited, "kubectl-edit", null, "apps/v1", At(60), Deployment);

        var entries = Entries(result);
        Assert.Equal(["kubectl-create", "kubectl-edit"], entries.Select(e => e.Manager));
        Assert.Equal(
            """{"f:metadata":{"f:labels":{"f:tier":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{"f:image":{}}}}}}}""",
            entries[1].Fields);
        Assert.Equal("2024-01-02T03:05:05Z", entries[1].Time);
        var creator = FieldSet.Parse(entries[0].Fields);
        Assert.False(creator.Has(FieldPath.Of("spec", "replicas")));
        Assert.False(creator.Has(FieldPath.Of("spec", "template", "spec", "containers", PathElement.KeyOf(("name", "nginx")), "image")));
        Assert.True(creator.Has(FieldPath.Of("spec", "template", "spec", "containers", PathElement.KeyOf(("name", "nginx")), "name")));
        Assert.Equal("2024-01-02T03:04:05Z", entries[0].Time);
    }

    [Fact]
    public void UpdateByTheSameManagerAccumulatesAndBumpsTime()
    {
        var created = Stored(Create(CreatedDeployment()));
        var first = Stored(ManagedFieldsUpdater.OnUpdate(created, Edit(created, o => o["spec"]!["replicas"] = 3), "scaler", null, "apps/v1", At(10), Deployment));
        var second = ManagedFieldsUpdater.OnUpdate(first, Edit(first, o => o["spec"]!["paused"] = true), "scaler", null, "apps/v1", At(20), Deployment);
        var scaler = Single(second, "scaler");
        Assert.Equal("""{"f:spec":{"f:paused":{},"f:replicas":{}}}""", scaler.Fields);
        Assert.Equal("2024-01-02T03:04:25Z", scaler.Time);
    }

    [Fact]
    public void UpdateThatChangesNothingKeepsManagedFields()
    {
        var created = Stored(Create(CreatedDeployment()));
        var result = ManagedFieldsUpdater.OnUpdate(created, Edit(created, _ => { }), "kubectl-edit", null, "apps/v1", At(60), Deployment);
        Assert.Equal(Entries(created), Entries(result));
    }

    [Fact]
    public void RemovedFieldsLeaveEveryOwnerAndEmptyEntriesAreDropped()
    {
        var created = Stored(Create(CreatedDeployment()));
        var labelled = Stored(ManagedFieldsUpdater.OnUpdate(created, Edit(created, o => o["metadata"]!["labels"]!["tier"] = "web"), "labeller", null, "apps/v1", At(10), Deployment));
        Assert.Equal("""{"f:metadata":{"f:labels":{"f:tier":{}}}}""", Single(labelled, "labeller").Fields);

        var unlabelled = ManagedFieldsUpdater.OnUpdate(labelled, Edit(labelled, o => o["metadata"]!["labels"]!.AsObject().Remove("tier")), "kubectl-edit", null, "apps/v1", At(20), Deployment);
        Assert.Equal(["kubectl-create"], Entries(unlabelled).Select(e => e.Manager));
    }

    [Fact]
    public void EmptyManagedFieldsListClearsThemAndTheObjectStaysUntracked()
    {
        var created = Stored(Create(CreatedDeployment()));
        var reset = ManagedFieldsUpdater.OnUpdate(created, Edit(created, o => o["metadata"]!["managedFields"] = new JsonArray()), "kubectl-edit", null, "apps/v1", At(10), Deployment);
        Assert.Null(reset.At("metadata", "managedFields"));

        var stored = Stored(reset);
        var next = ManagedFieldsUpdater.OnUpdate(stored, Edit(stored, o => o["spec"]!["replicas"] = 5), "kubectl-edit", null, "apps/v1", At(20), Deployment);
        Assert.Null(next.At("metadata", "managedFields"));
    }

    [Fact]
    public void SingleEmptyEntryAlsoClears()
    {
        var created = Stored(Create(CreatedDeployment()));
        var reset = ManagedFieldsUpdater.OnUpdate(created, Edit(created, o => o["metadata"]!["managedFields"] = new JsonArray(new JsonObject())), "x", null, "apps/v1", At(10), Deployment);
        Assert.Null(reset.At("metadata", "managedFields"));
    }

    [Fact]
    public void ValidManagedFieldsSentByTheClientAreHonoured()
    {
        var created = Stored(Create(CreatedDeployment()));
        var sent = Edit(created, o =>
        {
            o["metadata"]!["managedFields"] = JsonNode.Parse("""
                [{"manager":"someone","operation":"Apply","apiVersion":"apps/v1","time":"2023-05-06T07:08:09Z","fieldsType":"FieldsV1",
                  "fieldsV1":{"f:spec":{"f:replicas":{}}}}]
                """);
        });
        var result = ManagedFieldsUpdater.OnUpdate(created, sent, "kubectl-replace", null, "apps/v1", At(10), Deployment);
        var entry = Assert.Single(Entries(result));
        Assert.Equal(new Entry("someone", "Apply", "apps/v1", "2023-05-06T07:08:09Z", """{"f:spec":{"f:replicas":{}}}""", null), entry);
    }

    [Fact]
    public void InvalidManagedFieldsSentByTheClientFallBackToTheStoredOnes()
    {
        var created = Stored(Create(CreatedDeployment()));
        var sent = Edit(created, o => o["metadata"]!["managedFields"] = JsonNode.Parse("""[{"manager":"x","operation":"Bogus","apiVersion":"v1","fieldsType":"FieldsV1"}]"""));
        var result = ManagedFieldsUpdater.OnUpdate(created, sent, "kubectl-replace", null, "apps/v1", At(10), Deployment);
        Assert.Equal(Entries(created), Entries(result));
    }

    [Fact]
    public void SubresourceUpdatesHaveTheirOwnEntryAndIgnoreSentManagedFields()
    {
        var created = Stored(Create(CreatedDeployment()));
        var status = Edit(created, o =>
        {
            o["status"] = JsonNode.Parse("""{"replicas":1,"readyReplicas":1,"conditions":[{"type":"Available","status":"True"}]}""");
            o["spec"]!["replicas"] = 9;
            o["metadata"]!["managedFields"] = new JsonArray();
        });
        var reset = ResetFields.For("apps", "Deployment", "status", hasStatusSubresource: true);
        var result = ManagedFieldsUpdater.OnUpdate(created, status, "kube-controller-manager", "status", "apps/v1", At(30), Deployment, reset);
        var entries = Entries(result);
        Assert.Equal(2, entries.Count);
        Assert.Equal(
            new Entry("kube-controller-manager", "Update", "apps/v1", "2024-01-02T03:04:35Z",
                """{"f:status":{"f:conditions":{".":{},"k:{\"type\":\"Available\"}":{".":{},"f:status":{},"f:type":{}}},"f:readyReplicas":{},"f:replicas":{}}}""", "status"),
            entries[1]);
        Assert.Equal("status", result.At("metadata", "managedFields")![1]!["subresource"]!.GetValue<string>());
    }

    [Fact]
    public void MainResourceDoesNotOwnStatusWhenItIsReset()
    {
        var obj = Edit(CreatedDeployment(), o => o["status"] = JsonNode.Parse("""{"replicas":1}"""));
        var result = ManagedFieldsUpdater.OnUpdate(null, obj, "kubectl-create", null, "apps/v1", T0, Deployment,
            ResetFields.For("apps", "Deployment", null, hasStatusSubresource: true));
        Assert.Equal(CreatedDeploymentFields, Single(result, "kubectl-create").Fields);
    }

    [Fact]
    public void MoreThanTenUpdateManagersMergeTheOldestIntoAncientChanges()
    {
        var obj = Stored(Create(CreatedDeployment()));
        for (var i = 1; i <= 11; i++)
        {
            var n = i;
            obj = Stored(ManagedFieldsUpdater.OnUpdate(obj, Edit(obj, o => o["metadata"]!["labels"]![$"l{n}"] = "x"), $"m{n:00}", null, "apps/v1", At(n), Deployment));
        }

        // kubectl-create and m01 were merged when m10 came, m02 joined them when m11 came; the bucket has the latest time.
        var entries = Entries(obj);
        Assert.Equal(["ancient-changes", "m03", "m04", "m05", "m06", "m07", "m08", "m09", "m10", "m11"], entries.Select(e => e.Manager));
        var ancient = Single(obj, "ancient-changes");
        Assert.Equal("2024-01-02T03:04:07Z", ancient.Time);
        Assert.Equal("""{"f:metadata":{"f:labels":{".":{},"f:app":{},"f:l1":{},"f:l2":{}}}""" + CreatedDeploymentFields["""{"f:metadata":{"f:labels":{".":{},"f:app":{}}}""".Length..], ancient.Fields);
    }

    [Fact]
    public void EntriesAreSortedByOperationThenTimeThenManager()
    {
        var obj = Stored(ServerSideApply.Apply(null, AppliedDeployment(), "zz-applier", false, "apps/v1", At(100), Deployment));
        obj = Stored(ManagedFieldsUpdater.OnUpdate(obj, Edit(obj, o => o["metadata"]!["labels"]!["b"] = "1"), "b-updater", null, "apps/v1", At(5), Deployment));
        obj = Stored(ManagedFieldsUpdater.OnUpdate(obj, Edit(obj, o => o["metadata"]!["labels"]!["a"] = "1"), "a-updater", null, "apps/v1", At(5), Deployment));
        obj = Stored(ManagedFieldsUpdater.OnUpdate(obj, Edit(obj, o => o["metadata"]!["labels"]!["c"] = "1"), "c-updater", null, "apps/v1", At(1), Deployment));
        Assert.Equal(["zz-applier", "c-updater", "a-updater", "b-updater"], Entries(obj).Select(e => e.Manager));
    }

    [Fact]
    public void EmptyManagerNameIsUnknown()
    {
        var created = ManagedFieldsUpdater.OnUpdate(null, CreatedDeployment(), "", null, "apps/v1", T0, Deployment);
        Assert.Equal("unknown", Assert.Single(Entries(created)).Manager);
    }

    [Fact]
    public void AddingAMapMarksTheMapItselfButAddingToAnExistingOneDoesNot()
    {
        var created = Stored(Create(CreatedDeployment()));
        var annotated = ManagedFieldsUpdater.OnUpdate(created, Edit(created, o =>
        {
            o["metadata"]!["annotations"] = new JsonObject { ["note"] = "x" };
            o["metadata"]!["labels"]!["tier"] = "web";
            o["spec"]!["template"]!["spec"]!["nodeSelector"] = new JsonObject { ["disk"] = "ssd" };
        }), "kubectl-annotate", null, "apps/v1", At(1), Deployment);
        Assert.Equal(
            """{"f:metadata":{"f:annotations":{".":{},"f:note":{}},"f:labels":{"f:tier":{}}},"f:spec":{"f:template":{"f:spec":{"f:nodeSelector":{}}}}}""",
            Single(annotated, "kubectl-annotate").Fields);
    }

    [Fact]
    public void UntrackedObjectIsTrackedWhenTheClientSendsManagedFields()
    {
        var untracked = Stored(CreatedDeployment());
        var sent = Edit(untracked, o =>
        {
            o["spec"]!["replicas"] = 2;
            o["metadata"]!["managedFields"] = JsonNode.Parse("""[{"manager":"m","operation":"Update","apiVersion":"apps/v1","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{}}}}]""");
        });
        var result = ManagedFieldsUpdater.OnUpdate(untracked, sent, "kubectl-replace", null, "apps/v1", At(1), Deployment);
        Assert.Equal(["m", "kubectl-replace"], Entries(result).Select(e => e.Manager));
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", Single(result, "kubectl-replace").Fields);
    }

    [Fact]
    public void InputsAreNotModified()
    {
        var created = Stored(Create(CreatedDeployment()));
        var edited = Edit(created, o => o["spec"]!["replicas"] = 4);
        var (before, after) = (created.ToJsonString(), edited.ToJsonString());
        ManagedFieldsUpdater.OnUpdate(created, edited, "x", null, "apps/v1", At(1), Deployment);
        Assert.Equal(before, created.ToJsonString());
        Assert.Equal(after, edited.ToJsonString());
    }
}
