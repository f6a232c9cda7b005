using System.Text.Json.Nodes;
using Shim.Api.Errors;
using Shim.Api.Resources;
using Shim.Api.Validation.Kinds;
using Xunit;

namespace Shim.Api.Tests.Validation;

public sealed class KindValidatorTests
{
    private static readonly ResourceRegistry Registry = BuiltInResources.Create();

    public static TheoryData<string> ValidObjects() => new(Objects.Valid.Keys);

    public static TheoryData<string> Rules() => new(RuleCases.All.Keys);

    [Theory]
    [MemberData(nameof(ValidObjects))]
    public void ValidObjectHasNoErrors(string name)
    {
        var (group, resource, _) = Objects.Valid[name];
        var errors = KindValidator.Validate(Registry.Get(group, resource), Objects.Parse(name), null);
        Assert.True(errors.Count == 0, Describe(errors));
    }

    [Theory]
    [MemberData(nameof(ValidObjects))]
    public void UnchangedUpdateHasNoErrors(string name)
    {
        var (group, resource, _) = Objects.Valid[name];
        var errors = KindValidator.Validate(Registry.Get(group, resource), Objects.Parse(name), Objects.Parse(name));
        Assert.True(errors.Count == 0, Describe(errors));
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void RuleIsReported(string name)
    {
        var rule = RuleCases.All[name];
        var (group, resource, _) = Objects.Valid[rule.Base];
        var obj = Objects.Parse(rule.Base);
        rule.Edit(obj);
        JsonObject? old = null;
        if (rule.Update)
        {
            old = Objects.Parse(rule.Base);
            rule.EditOld?.Invoke(old);
        }

        var errors = KindValidator.Validate(Registry.Get(group, resource), obj, old);
        Assert.True(
            errors.Any(e => e.Field == rule.Field && e.Reason == rule.Reason && (rule.Detail is null || (e.Detail ?? "").Contains(rule.Detail, StringComparison.Ordinal))),
            $"expected {rule.Reason} at '{rule.Field}'{(rule.Detail is null ? "" : $" with \"{rule.Detail}\"")}; got:\n{Describe(errors)}");
    }

    [Fact]
    public void PodUpdateOfImageLabelsAndAnnotationsIsAllowed()
    {
        var old = Objects.Parse("pod");
        var pod = Objects.Parse("pod");
        JsonPath.Set(pod, "spec.containers[0].image", "nginx:1.27");
        JsonPath.Set(pod, "spec.initContainers[0].image", "busybox:2");
        JsonPath.Set(pod, "metadata.labels.tier", "frontend");
        JsonPath.SetJson(pod, "metadata.annotations", """{"note":"x"}""");
        JsonPath.Set(pod, "spec.activeDeadlineSeconds", 600);
        JsonPath.SetJson(pod, "spec.tolerations[1]", """{"key":"dedicated","operator":"Equal","value":"gpu","effect":"NoSchedule"}""");
        JsonPath.Set(pod, "spec.tolerations[0].tolerationSeconds", 60);
        Assert.Empty(Validate("", "pods", pod, old));
    }

    [Fact]
    public void PodSchedulingGatesMayBeRemoved()
    {
        var old = Objects.Parse("pod");
        JsonPath.SetJson(old, "spec.schedulingGates", """[{"name":"example.com/a"},{"name":"example.com/b"}]""");
        var pod = Objects.Parse("pod");
        JsonPath.SetJson(pod, "spec.schedulingGates", """[{"name":"example.com/b"}]""");
        JsonPath.Set(pod, "spec.nodeSelector.zone", "a");
        Assert.Empty(Validate("", "pods", pod, old));
    }

    [Fact]
    public void SelectorMismatchRendersLikeUpstream()
    {
        var deployment = Objects.Parse("deployment");
        JsonPath.SetJson(deployment, "spec.template.metadata.labels", """{"tier":"fe","app":"other"}""");
        var error = Assert.Single(Validate("apps", "deployments", deployment, null));
        Assert.Equal("spec.template.metadata.labels: Invalid value: {\"app\":\"other\",\"tier\":\"fe\"}: `selector` does not match template `labels`", error.ToString());
    }

    [Fact]
    public void MissingSelectorAlsoFailsTemplateMatch()
    {
        var deployment = Objects.Parse("deployment");
        JsonPath.Remove(deployment, "spec.selector");
        var errors = Validate("apps", "deployments", deployment, null);
        Assert.Equal(["spec.selector: Required value", "spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`"], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void ImmutableSelectorRendersLikeUpstream()
    {
        var old = Objects.Parse("deployment");
        var deployment = Objects.Parse("deployment");
        JsonPath.Set(deployment, "spec.selector.matchLabels.app", "api");
        JsonPath.Set(deployment, "spec.template.metadata.labels.app", "api");
        var error = Assert.Single(Validate("apps", "deployments", deployment, old));
        Assert.Equal("spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"api\"}}: field is immutable", error.ToString());
    }

    [Fact]
    public void UnsupportedValueListsChoices()
    {
        var pod = Objects.Parse("pod");
        JsonPath.Set(pod, "spec.restartPolicy", "Sometimes");
        var error = Assert.Single(Validate("", "pods", pod, null));
        Assert.Equal("spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"", error.ToString());
    }

    [Fact]
    public void RequestsAboveLimitsRenderLikeUpstream()
    {
        var pod = Objects.Parse("pod");
        JsonPath.Set(pod, "spec.containers[0].resources.requests.memory", "1Gi");
        var error = Assert.Single(Validate("", "pods", pod, null));
        Assert.Equal("spec.containers[0].resources.requests: Invalid value: \"1Gi\": must be less than or equal to memory limit of 128Mi", error.ToString());
    }

    [Fact]
    public void PodSpecUpdateMessageNamesUpdatableFields()
    {
        var old = Objects.Parse("pod");
        var pod = Objects.Parse("pod");
        JsonPath.Set(pod, "spec.restartPolicy", "Never");
        var error = Assert.Single(Validate("", "pods", pod, old));
        Assert.StartsWith(
            "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n",
            error.ToString());
    }

    [Fact]
    public void ServiceClusterIPMayChangeToExternalName()
    {
        var old = Objects.Parse("service");
        var svc = Objects.Parse("externalname-service");
        JsonPath.Set(svc, "metadata.name", "web");
        Assert.Empty(Validate("", "services", svc, old));
    }

    [Fact]
    public void ServiceUpdateWithoutClusterIPKeepsTheAllocatedOne()
    {
        var old = Objects.Parse("service");
        var svc = Objects.Parse("service");
        JsonPath.Remove(svc, "spec.clusterIP");
        JsonPath.Remove(svc, "spec.clusterIPs");
        Assert.Empty(Validate("", "services", svc, old));
    }

    [Fact]
    public void PvcStorageMayGrowWhenBound()
    {
        var old = Objects.Parse("pvc");
        JsonPath.Set(old, "status.phase", "Bound");
        JsonPath.Set(old, "spec.volumeName", "pv-1");
        var pvc = Objects.Parse("pvc");
        JsonPath.Set(pvc, "status.phase", "Bound");
        JsonPath.Set(pvc, "spec.volumeName", "pv-1");
        JsonPath.Set(pvc, "spec.resources.requests.storage", "5Gi");
        Assert.Empty(Validate("", "persistentvolumeclaims", pvc, old));
    }

    [Fact]
    public void PvcVolumeNameMaySetOnce()
    {
        var old = Objects.Parse("pvc");
        var pvc = Objects.Parse("pvc");
        JsonPath.Set(pvc, "spec.volumeName", "pv-1");
        Assert.Empty(Validate("", "persistentvolumeclaims", pvc, old));
    }

    [Fact]
    public void SuspendedJobTemplateSchedulingDirectivesAreMutable()
    {
        var old = Objects.Parse("job");
        JsonPath.Set(old, "spec.suspend", true);
        var job = Objects.Parse("job");
        JsonPath.Set(job, "spec.suspend", true);
        JsonPath.Set(job, "spec.template.spec.nodeSelector.zone", "a");
        JsonPath.Set(job, "spec.template.metadata.labels.extra", "x");
        Assert.Empty(Validate("batch", "jobs", job, old));
    }

    [Fact]
    public void JobGeneratedSelectorMustMatchUidAndName()
    {
        var job = Objects.Parse("job");
        JsonPath.Set(job, "metadata.uid", "1234");
        JsonPath.SetJson(job, "spec.selector", """{"matchLabels":{"batch.kubernetes.io/controller-uid":"1234"}}""");
        JsonPath.SetJson(job, "spec.template.metadata.labels", """{"batch.kubernetes.io/controller-uid":"1234","batch.kubernetes.io/job-name":"pi","controller-uid":"1234","job-name":"pi"}""");
        Assert.Empty(Validate("batch", "jobs", job, null));
        JsonPath.Remove(job, "spec.template.metadata.labels.job-name");
        var error = Assert.Single(Validate("batch", "jobs", job, null));
        Assert.Equal("spec.template.metadata.labels[job-name]: Required value: must be 'pi'", error.ToString());
    }

    [Theory]
    [InlineData("@hourly")]
    [InlineData("@every 1h30m")]
    [InlineData("0 0 * * 0")]
    [InlineData("*/15 9-17 ? * MON-FRI")]
    [InlineData("0 0 1,15 * *")]
    [InlineData("5/10 * * * *")]
    public void CronSchedulesParse(string schedule) => Assert.Null(CronSchedule.Parse(schedule));

    [Theory]
    [InlineData("", "empty spec string")]
    [InlineData("* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]")]
    [InlineData("0 24 * * *", "end of range (24) above maximum (23): 24")]
    [InlineData("0 0 0 * *", "beginning of range (0) below minimum (1): 0")]
    [InlineData("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1")]
    [InlineData("*/0 * * * *", "step of range should be a positive number: */0")]
    [InlineData("1-2-3 * * * *", "too many hyphens: 1-2-3")]
    [InlineData("@every 5", "failed to parse duration @every 5: time: missing unit in duration \"5\"")]
    public void CronScheduleErrors(string schedule, string error) => Assert.Equal(error, CronSchedule.Parse(schedule));

    [Theory]
    [InlineData("500m", 0.5)]
    [InlineData("1Gi", 1073741824)]
    [InlineData("1e3", 1000)]
    [InlineData("2k", 2000)]
    [InlineData("0.1", 0.1)]
    public void QuantitiesParse(string text, double value)
    {
        Assert.True(Quantity.TryParse(text, out var q));
        Assert.Equal((decimal)value, q.Value);
    }

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("abc")]
    [InlineData("1Gb")]
    [InlineData("")]
    public void BadQuantitiesFail(string text) => Assert.False(Quantity.TryParse(text, out _));

    [Fact]
    public void UnknownKindsAreNotValidated()
    {
        var definition = new ResourceDefinition { Group = "example.com", Version = "v1", Resource = "widgets", Kind = "Widget", Namespaced = true };
        Assert.Empty(KindValidator.Validate(definition, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = -1 } }, null));
    }

    private static List<FieldError> Validate(string group, string resource, JsonObject obj, JsonObject? old) =>
        KindValidator.Validate(Registry.Get(group, resource), obj, old);

    private static string Describe(IEnumerable<FieldError> errors)
    {
        var list = errors.Select(e => $"  {e.Reason} {e}").ToList();
        return list.Count == 0 ? "  (no errors)" : string.Join("\n", list);
    }
}
