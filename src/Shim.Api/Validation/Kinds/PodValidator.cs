using System.Text;
using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>Pods: ValidatePodCreate and ValidatePodUpdate.</summary>
public static class PodValidator
{
    private const string MirrorPodAnnotation = "kubernetes.io/config.mirror";

    private static readonly string UpdatableFields = string.Join(",",
        "`spec.containers[*].image`",
        "`spec.initContainers[*].image`",
        "`spec.activeDeadlineSeconds`",
        "`spec.tolerations` (only additions to existing tolerations)",
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)");

    public static List<FieldError> Validate(JsonObject pod, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = pod.Obj("spec") ?? [];
        var oldSpec = old?.Obj("spec");
        var ctx = new PodContext
        {
            IsPod = true,
            PodName = pod.Obj("metadata").Text("name"),
            AllowNamespacedSysctlsForHostNetAndHostIPC = oldSpec is not null && HasNamespacedSysctlsWithHostNamespaces(oldSpec),
        };
        var annotations = pod.Obj("metadata").Obj("annotations");
        if (annotations?.ContainsKey(MirrorPodAnnotation) == true && spec.Text("nodeName").Length == 0)
        {
            errors.Add(Err.Invalid($"metadata.annotations[{MirrorPodAnnotation}]", annotations.Text(MirrorPodAnnotation), "must set spec.nodeName if mirror pod annotation is set"));
        }

        if (annotations?.TextOrNull("controller.kubernetes.io/pod-deletion-cost") is { } cost && !int.TryParse(cost, out _))
        {
            errors.Add(Err.Invalid("metadata.annotations[controller.kubernetes.io/pod-deletion-cost]", cost, "must be a 32bit integer"));
        }

        PodSpecValidator.Validate(spec, "spec", ctx, errors);
        var containers = spec.List("containers");
        for (var i = 0; i < containers.Count; i++)
        {
            ContainerValidator.OnlyForPod(containers[i] as JsonObject ?? [], $"spec.containers[{i}]", errors);
        }

        var inits = spec.List("initContainers");
        for (var i = 0; i < inits.Count; i++)
        {
            ContainerValidator.OnlyForPod(inits[i] as JsonObject ?? [], $"spec.initContainers[{i}]", errors);
        }

        if (old is null)
        {
            if (spec.HasItems("ephemeralContainers"))
            {
                errors.Add(Err.Forbidden("spec.ephemeralContainers", "cannot be set on create"));
            }

            if (spec.Text("nodeName").Length > 0 && spec.HasItems("schedulingGates"))
            {
                errors.Add(Err.Forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared"));
            }

            return errors;
        }

        ValidateMirrorAnnotationUpdate(annotations, old.Obj("metadata").Obj("annotations"), errors);
        ValidateUpdate(spec, oldSpec ?? [], errors);
        return errors;
    }

    private static bool HasNamespacedSysctlsWithHostNamespaces(JsonObject spec) =>
        spec.Obj("securityContext").List("sysctls").Any(s =>
        {
            var name = s.Text("name").Replace('/', '.');
            return (spec.Flag("hostNetwork") && name.StartsWith("net.", StringComparison.Ordinal))
                || (spec.Flag("hostIPC") && (name.StartsWith("kernel.shm", StringComparison.Ordinal) || name.StartsWith("kernel.msg", StringComparison.Ordinal) || name == "kernel.sem" || name.StartsWith("fs.mqueue.", StringComparison.Ordinal)));
        });

    private static void ValidateMirrorAnnotationUpdate(JsonObject? annotations, JsonObject? oldAnnotations, List<FieldError> errors)
    {
        var now = annotations?.TextOrNull(MirrorPodAnnotation);
        var before = oldAnnotations?.TextOrNull(MirrorPodAnnotation);
        var path = $"metadata.annotations[{MirrorPodAnnotation}]";
        if (before is not null && now != before)
        {
            errors.Add(Err.Forbidden(path, "may not remove or update mirror pod annotation"));
        }
        else if (before is null && now is not null)
        {
            errors.Add(Err.Forbidden(path, "may not add mirror pod annotation"));
        }
    }

    private static void ValidateUpdate(JsonObject spec, JsonObject oldSpec, List<FieldError> errors)
    {
        foreach (var kind in new[] { "containers", "initContainers" })
        {
            var now = spec.List(kind);
            var before = oldSpec.List(kind);
            if (now.Count != before.Count)
            {
                errors.Add(Err.Forbidden("spec." + kind, "pod updates may not add or remove containers"));
                return;
            }

            for (var i = 0; i < now.Count; i++)
            {
                var image = now[i].Text("image");
                if (image.Length == 0)
                {
                    errors.Add(Err.Required($"spec.{kind}[{i}].image"));
                }

                if (image.Trim().Length != image.Length)
                {
                    errors.Add(Err.Invalid($"spec.{kind}[{i}].image", image, "must not have leading or trailing whitespace"));
                }
            }
        }

        var newAds = spec.Num("activeDeadlineSeconds");
        var oldAds = oldSpec.Num("activeDeadlineSeconds");
        if (newAds is { } ads)
        {
            if (ads < 0 || ads > int.MaxValue)
            {
                errors.Add(Err.Invalid("spec.activeDeadlineSeconds", ads, Formats.InclusiveRangeError(0, int.MaxValue)));
                return;
            }

            if (oldAds is { } previous && previous < ads)
            {
                errors.Add(Err.Invalid("spec.activeDeadlineSeconds", ads, "must be less than or equal to previous value"));
                return;
            }
        }
        else if (oldAds is not null)
        {
            errors.Add(Err.Invalid("spec.activeDeadlineSeconds", null, "must not update from a positive integer to nil value"));
        }

        OnlyAddedTolerations(spec.List("tolerations"), oldSpec.List("tolerations"), errors);
        OnlyDeletedSchedulingGates(spec.List("schedulingGates"), oldSpec.List("schedulingGates"), errors);
        if (Js.Same(spec, oldSpec))
        {
            return;
        }

        var munged = Js.Clone(spec);
        foreach (var kind in new[] { "containers", "initContainers" })
        {
            var now = munged.List(kind);
            var before = oldSpec.List(kind);
            for (var i = 0; i < now.Count && i < before.Count; i++)
            {
                if (now[i] is JsonObject c)
                {
                    c["image"] = before[i]?["image"]?.DeepClone();
                }
            }
        }

        CopyFrom(oldSpec, munged, "activeDeadlineSeconds");
        CopyFrom(oldSpec, munged, "schedulingGates");
        CopyFrom(oldSpec, munged, "tolerations");
        if (oldSpec.Num("terminationGracePeriodSeconds") is < 0 && munged.Num("terminationGracePeriodSeconds") == 1)
        {
            CopyFrom(oldSpec, munged, "terminationGracePeriodSeconds");
        }

        if (oldSpec.HasItems("schedulingGates"))
        {
            var oldSelector = oldSpec.Obj("nodeSelector");
            var newSelector = munged.Obj("nodeSelector");
            if (!Js.Same(oldSelector, newSelector))
            {
                var newMap = Js.Dict(newSelector);
                if (Js.MapOf(oldSelector).Any(p => !newMap.TryGetValue(p.Key, out var v) || v != p.Value))
                {
                    errors.Add(Err.Invalid("spec.nodeSelector", Js.RenderMap(newSelector), "only additions to spec.nodeSelector are allowed (no mutations or deletions)"));
                }

                CopyFrom(oldSpec, munged, "nodeSelector");
            }

            var newAffinity = munged.Obj("affinity");
            var oldNodeAffinity = oldSpec.Obj("affinity")?["nodeAffinity"];
            if (newAffinity is not null)
            {
                newAffinity["nodeAffinity"] = oldNodeAffinity?.DeepClone();
            }
            else if (oldNodeAffinity is not null)
            {
                munged["affinity"] = new JsonObject { ["nodeAffinity"] = oldNodeAffinity.DeepClone() };
            }
        }

        if (!Js.Same(munged, oldSpec))
        {
            errors.Add(Err.Forbidden("spec", $"pod updates may not change fields other than {UpdatableFields}\n{Diff(oldSpec, munged)}"));
        }
    }

    private static void CopyFrom(JsonObject from, JsonObject to, string key)
    {
        if (from.TryGetPropertyValue(key, out var value) && value is not null)
        {
            to[key] = value.DeepClone();
        }
        else
        {
            to.Remove(key);
        }
    }

    private static void OnlyAddedTolerations(IList<JsonNode?> now, IList<JsonNode?> before, List<FieldError> errors)
    {
        foreach (var old in before)
        {
            var found = now.Any(n =>
            {
                var a = Js.Clone(old as JsonObject);
                var b = Js.Clone(n as JsonObject);
                a.Remove("tolerationSeconds");
                b.Remove("tolerationSeconds");
                return Js.Same(a, b);
            });
            if (!found)
            {
                errors.Add(Err.Forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"));
                return;
            }
        }

        PodSpecValidator.Tolerations(now, "spec.tolerations", []);
    }

    private static void OnlyDeletedSchedulingGates(IList<JsonNode?> now, IList<JsonNode?> before, List<FieldError> errors)
    {
        var old = before.Select(g => g.Text("name")).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < now.Count; i++)
        {
            var name = now[i].Text("name");
            if (!old.Contains(name))
            {
                errors.Add(Err.Forbidden($"spec.schedulingGates[{i}].name", $"only deletion is allowed, but found new scheduling gate '{name}'"));
            }
        }
    }

    /// <summary>A short description of which top-level spec fields differ, standing in for upstream's cmp.Diff.</summary>
    private static string Diff(JsonObject before, JsonObject after)
    {
        var sb = new StringBuilder("  core.PodSpec{\n");
        foreach (var key in before.Select(p => p.Key).Union(after.Select(p => p.Key)).Distinct(StringComparer.Ordinal))
        {
            var a = before.TryGetPropertyValue(key, out var x) ? x : null;
            var b = after.TryGetPropertyValue(key, out var y) ? y : null;
            if (Js.Same(a, b))
            {
                continue;
            }

            sb.Append("- \t").Append(key).Append(": ").Append(a?.ToJsonString() ?? "null").Append(",\n");
            sb.Append("+ \t").Append(key).Append(": ").Append(b?.ToJsonString() ?? "null").Append(",\n");
        }

        return sb.Append("  }\n").ToString();
    }
}
