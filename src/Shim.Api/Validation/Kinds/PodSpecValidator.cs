using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>ValidatePodSpec: the rules shared by pods and every pod template.</summary>
public static partial class PodSpecValidator
{
    private static readonly string[] RestartPolicies = ["Always", "OnFailure", "Never"];
    private static readonly string[] DnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
    private static readonly string[] TaintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
    private const string SysctlSegment = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?";
    private const string SysctlFormat = "(" + SysctlSegment + "[\\./])*" + SysctlSegment;

    [GeneratedRegex("^" + SysctlFormat + "$")]
    private static partial Regex SysctlName();

    public static void Validate(JsonObject spec, string path, PodContext ctx, List<FieldError> errors)
    {
        ctx.GracePeriod = spec.Num("terminationGracePeriodSeconds");
        ctx.RestartPolicy = spec.Text("restartPolicy");
        ctx.HostUsers = spec.FlagOrNull("hostUsers") ?? true;
        foreach (var claim in spec.List("resourceClaims"))
        {
            if (claim.Text("name") is { Length: > 0 } claimName)
            {
                ctx.ClaimNames.Add(claimName);
            }
        }

        VolumeValidator.ValidateVolumes(spec.List("volumes"), path + ".volumes", ctx, errors);
        ResourceClaims(spec.List("resourceClaims"), path + ".resourceClaims", errors);
        var containers = spec.List("containers");
        var inits = spec.List("initContainers");
        ContainerValidator.ValidateContainers(containers, path + ".containers", ctx, errors);
        ContainerValidator.ValidateInitContainers(inits, containers, path + ".initContainers", ctx, errors);
        ContainerValidator.ValidateEphemeralContainers(spec.List("ephemeralContainers"), containers, inits, path + ".ephemeralContainers", ctx, errors);
        if (spec["resources"] is JsonObject podResources)
        {
            PodResources(podResources, path + ".resources", errors);
        }

        HostNetworkDeps(spec, path, ctx, errors);
        if (ctx.RestartPolicy.Length > 0 && !RestartPolicies.Contains(ctx.RestartPolicy))
        {
            errors.Add(Err.NotSupported(path + ".restartPolicy", ctx.RestartPolicy, RestartPolicies));
        }

        var dnsPolicy = spec.Text("dnsPolicy");
        if (dnsPolicy.Length > 0 && !DnsPolicies.Contains(dnsPolicy))
        {
            errors.Add(Err.NotSupported(path + ".dnsPolicy", dnsPolicy, DnsPolicies));
        }

        Labels.ValidateLabels(spec["nodeSelector"], path + ".nodeSelector", errors);
        PodSecurityContext(spec, path, ctx, errors);
        var pullSecrets = spec.List("imagePullSecrets");
        for (var i = 0; i < pullSecrets.Count; i++)
        {
            if (pullSecrets[i] is JsonObject ps && ps.Any(p => p.Key != "name" && p.Value is not null))
            {
                errors.Add(Err.Invalid($"{path}.imagePullSecrets[{i}]", Js.Render(ps), "only name may be set"));
            }
        }

        if (spec["affinity"] is JsonObject affinity)
        {
            Affinity(affinity, path + ".affinity", errors);
        }

        DnsConfig(spec.Obj("dnsConfig"), dnsPolicy, path + ".dnsConfig", errors);
        var gates = spec.List("readinessGates");
        for (var i = 0; i < gates.Count; i++)
        {
            var type = gates[i].Text("conditionType");
            Err.InvalidEach(errors, $"{path}.readinessGates[{i}].conditionType", type, Formats.QualifiedName(type));
        }

        SchedulingGates(spec.List("schedulingGates"), path + ".schedulingGates", errors);
        TopologySpreadConstraints(spec.List("topologySpreadConstraints"), path + ".topologySpreadConstraints", errors);
        if (!ctx.HostUsers)
        {
            if (spec.Flag("hostNetwork"))
            {
                errors.Add(Err.Forbidden(path + ".hostNetwork", "when `pod.Spec.HostUsers` is false"));
            }

            if (spec.Flag("hostPID"))
            {
                errors.Add(Err.Forbidden(path + ".HostPID", "when `pod.Spec.HostUsers` is false"));
            }

            if (spec.Flag("hostIPC"))
            {
                errors.Add(Err.Forbidden(path + ".HostIPC", "when `pod.Spec.HostUsers` is false"));
            }
        }

        NameField(spec, "serviceAccountName", path, errors);
        NameField(spec, "nodeName", path, errors);
        if (spec.Num("activeDeadlineSeconds") is { } ads && (ads < 1 || ads > int.MaxValue))
        {
            errors.Add(Err.Invalid(path + ".activeDeadlineSeconds", ads, Formats.InclusiveRangeError(1, int.MaxValue)));
        }

        foreach (var field in new[] { "hostname", "subdomain" })
        {
            var value = spec.Text(field);
            if (value.Length > 0)
            {
                Err.InvalidEach(errors, $"{path}.{field}", value, Formats.Dns1123Label(value));
            }
        }

        Tolerations(spec.List("tolerations"), path + ".tolerations", errors);
        var aliases = spec.List("hostAliases");
        for (var i = 0; i < aliases.Count; i++)
        {
            Formats.ValidIp(errors, $"{path}.hostAliases[{i}].ip", aliases[i].Text("ip"));
            var hostnames = aliases[i].List("hostnames");
            for (var j = 0; j < hostnames.Count; j++)
            {
                var h = Js.AsText(hostnames[j]) ?? "";
                Err.InvalidEach(errors, $"{path}.hostAliases[{i}].hostnames[{j}]", h, Formats.Dns1123Subdomain(h));
            }
        }

        NameField(spec, "priorityClassName", path, errors);
        if (spec.TextOrNull("runtimeClassName") is { } runtimeClass)
        {
            Err.InvalidEach(errors, path + ".runtimeClassName", runtimeClass, Formats.Dns1123Subdomain(runtimeClass));
        }

        if (spec.TextOrNull("preemptionPolicy") is { } preemption && preemption is not ("PreemptLowerPriority" or "Never"))
        {
            errors.Add(preemption.Length == 0
                ? Err.Required(path + ".preemptionPolicy")
                : Err.NotSupported(path + ".preemptionPolicy", preemption, "PreemptLowerPriority", "Never"));
        }

        if (spec["overhead"] is JsonObject overhead)
        {
            ResourceRequirementsValidator.ValidateContainer(new JsonObject { ["limits"] = overhead.DeepClone() }, path + ".overhead", null, errors);
        }

        if (spec["os"] is JsonObject os)
        {
            Os(spec, os, path, errors);
        }
    }

    private static void NameField(JsonObject spec, string field, string path, List<FieldError> errors)
    {
        var value = spec.Text(field);
        if (value.Length > 0)
        {
            Err.InvalidEach(errors, $"{path}.{field}", value, Formats.Dns1123Subdomain(value));
        }
    }

    private static void ResourceClaims(IList<JsonNode?> claims, string path, List<FieldError> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < claims.Count; i++)
        {
            var claim = claims[i] as JsonObject ?? [];
            var p = $"{path}[{i}]";
            var name = claim.Text("name");
            if (name.Length == 0)
            {
                errors.Add(Err.Required(p + ".name"));
            }
            else if (!names.Add(name))
            {
                errors.Add(Err.Duplicate(p + ".name", name));
            }
            else
            {
                Err.InvalidEach(errors, p + ".name", name, Formats.Dns1123Label(name));
            }

            var hasClaim = claim.IsSet("resourceClaimName");
            var hasTemplate = claim.IsSet("resourceClaimTemplateName");
            if (hasClaim && hasTemplate)
            {
                errors.Add(Err.Invalid(p, Js.Render(claim), "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified"));
            }

            if (!hasClaim && !hasTemplate)
            {
                errors.Add(Err.Invalid(p, Js.Render(claim), "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"));
            }

            foreach (var field in new[] { "resourceClaimName", "resourceClaimTemplateName" })
            {
                if (claim.TextOrNull(field) is { } value)
                {
                    Err.InvalidEach(errors, $"{p}.{field}", value, Formats.Dns1123Subdomain(value));
                }
            }
        }
    }

    private static void PodResources(JsonObject resources, string path, List<FieldError> errors)
    {
        if (resources.IsSet("claims"))
        {
            errors.Add(Err.Forbidden(path + ".claims", "claims cannot be set for Resources at pod-level"));
        }

        foreach (var part in new[] { "limits", "requests" })
        {
            foreach (var (name, value) in resources.Obj(part) ?? [])
            {
                var p = $"{path}.{part}[{name}]";
                if (ResourceRequirementsValidator.ValidateResourceName(name, p, errors) && name is not ("cpu" or "memory") && !ResourceNames.IsHugePages(name))
                {
                    errors.Add(Err.NotSupported(p, name, "cpu", "memory"));
                }

                ResourceRequirementsValidator.ValidateQuantity(name, value, p, errors, out _);
            }
        }
    }

    private static void HostNetworkDeps(JsonObject spec, string path, PodContext ctx, List<FieldError> errors)
    {
        if (!spec.Flag("hostNetwork"))
        {
            return;
        }

        var containers = spec.List("containers");
        for (var i = 0; i < containers.Count; i++)
        {
            var ports = containers[i].List("ports");
            for (var j = 0; j < ports.Count; j++)
            {
                var hp = ports[j].Num("hostPort") ?? 0;
                var cp = ports[j].Num("containerPort") ?? 0;
                if ((ctx.IsPod || hp != 0) && hp != cp && !(ctx.IsPod && hp == 0))
                {
                    errors.Add(Err.Invalid($"{path}.containers[{i}].ports[{j}].hostPort", hp, "must match `containerPort` when `hostNetwork` is true"));
                }
            }
        }
    }

    private static void PodSecurityContext(JsonObject spec, string path, PodContext ctx, List<FieldError> errors)
    {
        var fldPath = path + ".securityContext";
        var sc = spec.Obj("securityContext");
        if (sc is not null)
        {
            foreach (var field in new[] { "fsGroup", "runAsUser", "runAsGroup" })
            {
                if (sc.Num(field) is { } id)
                {
                    Err.InvalidEach(errors, $"{fldPath}.{field}", id, Formats.UserId(id));
                }
            }

            var groups = sc.List("supplementalGroups");
            for (var i = 0; i < groups.Count; i++)
            {
                if (Js.AsLong(groups[i]) is { } gid)
                {
                    Err.InvalidEach(errors, $"{fldPath}.supplementalGroups[{i}]", gid, Formats.UserId(gid));
                }
            }
        }

        if (spec.FlagOrNull("shareProcessNamespace") == true && spec.Flag("hostPID"))
        {
            errors.Add(Err.Invalid(fldPath + ".shareProcessNamespace", true, "ShareProcessNamespace and HostPID cannot both be enabled"));
        }

        if (sc is null)
        {
            return;
        }

        var sysctls = sc.List("sysctls");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sysctls.Count; i++)
        {
            var p = $"{fldPath}.sysctls[{i}].name";
            var name = sysctls[i].Text("name");
            if (name.Length == 0)
            {
                errors.Add(Err.Required(p));
            }
            else if (name.Length > 253 || !SysctlName().IsMatch(name))
            {
                errors.Add(Err.Invalid(p, name, $"must have at most 253 characters and match regex ^{SysctlFormat}$"));
            }
            else if (names.Contains(name))
            {
                errors.Add(Err.Duplicate(p, name));
            }

            if (!ctx.AllowNamespacedSysctlsForHostNetAndHostIPC)
            {
                var normalized = name.Replace('/', '.');
                if (spec.Flag("hostNetwork") && normalized.StartsWith("net.", StringComparison.Ordinal))
                {
                    errors.Add(Err.Invalid(p, name, "may not be specified when 'hostNetwork' is true"));
                }
                else if (spec.Flag("hostIPC") && (normalized.StartsWith("kernel.shm", StringComparison.Ordinal) || normalized.StartsWith("kernel.msg", StringComparison.Ordinal)
                    || normalized == "kernel.sem" || normalized.StartsWith("fs.mqueue.", StringComparison.Ordinal)))
                {
                    errors.Add(Err.Invalid(p, name, "may not be specified when 'hostIPC' is true"));
                }
            }

            names.Add(name);
        }

        if (sc.TextOrNull("fsGroupChangePolicy") is { } fsPolicy && fsPolicy is not ("OnRootMismatch" or "Always"))
        {
            errors.Add(Err.NotSupported(fldPath + ".fsGroupChangePolicy", fsPolicy, "Always", "OnRootMismatch"));
        }

        ContainerValidator.SeccompProfile(sc.Obj("seccompProfile"), fldPath + ".seccompProfile", errors);
        ContainerValidator.AppArmorProfile(sc.Obj("appArmorProfile"), fldPath + ".appArmorProfile", errors);
        if (sc.TextOrNull("supplementalGroupsPolicy") is { } sgp && sgp is not ("Merge" or "Strict"))
        {
            errors.Add(Err.NotSupported(fldPath + ".supplementalGroupsPolicy", sgp, "Merge", "Strict"));
        }

        if (sc.TextOrNull("seLinuxChangePolicy") is { } selinux && selinux is not ("MountOption" or "Recursive"))
        {
            errors.Add(Err.NotSupported(fldPath + ".seLinuxChangePolicy", selinux, "MountOption", "Recursive"));
        }
    }

    private static void Affinity(JsonObject affinity, string path, List<FieldError> errors)
    {
        if (affinity["nodeAffinity"] is JsonObject na)
        {
            var np = path + ".nodeAffinity";
            if (na["requiredDuringSchedulingIgnoredDuringExecution"] is JsonObject required)
            {
                NodeSelector(required, np + ".requiredDuringSchedulingIgnoredDuringExecution", errors);
            }

            var preferred = na.List("preferredDuringSchedulingIgnoredDuringExecution");
            for (var i = 0; i < preferred.Count; i++)
            {
                var p = $"{np}.preferredDuringSchedulingIgnoredDuringExecution[{i}]";
                var weight = preferred[i].Num("weight") ?? 0;
                if (weight <= 0 || weight > 100)
                {
                    errors.Add(Err.Invalid(p + ".weight", weight, "must be in the range 1-100"));
                }

                NodeSelectorTerm(preferred[i].Obj("preference") ?? [], p + ".preference", allowInvalidValues: true, errors);
            }
        }

        foreach (var kind in new[] { "podAffinity", "podAntiAffinity" })
        {
            if (affinity[kind] is not JsonObject pa)
            {
                continue;
            }

            var kp = $"{path}.{kind}";
            var required = pa.List("requiredDuringSchedulingIgnoredDuringExecution");
            for (var i = 0; i < required.Count; i++)
            {
                PodAffinityTerm(required[i] as JsonObject ?? [], $"{kp}.requiredDuringSchedulingIgnoredDuringExecution[{i}]", errors);
            }

            var preferred = pa.List("preferredDuringSchedulingIgnoredDuringExecution");
            for (var i = 0; i < preferred.Count; i++)
            {
                var p = $"{kp}.preferredDuringSchedulingIgnoredDuringExecution[{i}]";
                var weight = preferred[i].Num("weight") ?? 0;
                if (weight <= 0 || weight > 100)
                {
                    errors.Add(Err.Invalid(p + ".weight", weight, "must be in the range 1-100"));
                }

                PodAffinityTerm(preferred[i].Obj("podAffinityTerm") ?? [], p + ".podAffinityTerm", errors);
            }
        }
    }

    private static void PodAffinityTerm(JsonObject term, string path, List<FieldError> errors)
    {
        Labels.ValidateLabelSelector(term["labelSelector"], path + ".labelSelector", errors);
        Labels.ValidateLabelSelector(term["namespaceSelector"], path + ".namespaceSelector", errors);
        foreach (var ns in term.List("namespaces"))
        {
            var name = Js.AsText(ns) ?? "";
            Err.InvalidEach(errors, path + ".namespace", name, Formats.Dns1123Label(name));
        }

        var selector = term.Obj("labelSelector");
        foreach (var kind in new[] { "matchLabelKeys", "mismatchLabelKeys" })
        {
            var keys = term.List(kind);
            if (keys.Count == 0)
            {
                continue;
            }

            if (selector is null)
            {
                errors.Add(Err.Forbidden($"{path}.{kind}", "must not be specified when labelSelector is not set"));
                continue;
            }

            for (var i = 0; i < keys.Count; i++)
            {
                Labels.ValidateLabelName(Js.AsText(keys[i]) ?? "", $"{path}.{kind}[{i}]", errors);
            }
        }

        var mismatch = term.List("mismatchLabelKeys").Select(Js.AsText).ToHashSet(StringComparer.Ordinal);
        var match = term.List("matchLabelKeys");
        for (var i = 0; i < match.Count; i++)
        {
            var key = Js.AsText(match[i]);
            if (mismatch.Contains(key))
            {
                errors.Add(Err.Invalid($"{path}.matchLabelKeys[{i}]", key, "exists in both matchLabelKeys and mismatchLabelKeys"));
            }
        }

        var topologyKey = term.Text("topologyKey");
        if (topologyKey.Length == 0)
        {
            errors.Add(Err.Required(path + ".topologyKey", "can not be empty"));
        }

        Labels.ValidateLabelName(topologyKey, path + ".topologyKey", errors);
    }

    /// <summary>ValidateNodeSelector (required node affinity, PV node affinity).</summary>
    public static void NodeSelector(JsonObject selector, string path, List<FieldError> errors)
    {
        var terms = selector.List("nodeSelectorTerms");
        if (terms.Count == 0)
        {
            errors.Add(Err.Required(path + ".nodeSelectorTerms", "must have at least one node selector term"));
            return;
        }

        for (var i = 0; i < terms.Count; i++)
        {
            NodeSelectorTerm(terms[i] as JsonObject ?? [], $"{path}.nodeSelectorTerms[{i}]", allowInvalidValues: false, errors);
        }
    }

    private static void NodeSelectorTerm(JsonObject term, string path, bool allowInvalidValues, List<FieldError> errors)
    {
        var expressions = term.List("matchExpressions");
        for (var j = 0; j < expressions.Count; j++)
        {
            var rq = expressions[j];
            var p = $"{path}.matchExpressions[{j}]";
            var values = rq.List("values");
            var op = rq.Text("operator");
            switch (op)
            {
                case "In" or "NotIn":
                    if (values.Count == 0)
                    {
                        errors.Add(Err.Required(p + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                    }

                    break;
                case "Exists" or "DoesNotExist":
                    if (values.Count > 0)
                    {
                        errors.Add(Err.Forbidden(p + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }

                    break;
                case "Gt" or "Lt":
                    if (values.Count != 1)
                    {
                        errors.Add(Err.Required(p + ".values", "must be specified single value when `operator` is 'Lt' or 'Gt'"));
                    }

                    break;
                default:
                    errors.Add(Err.Invalid(p + ".operator", op, "not a valid selector operator"));
                    break;
            }

            Labels.ValidateLabelName(rq.Text("key"), p + ".key", errors);
            if (!allowInvalidValues)
            {
                for (var k = 0; k < values.Count; k++)
                {
                    var v = Js.AsText(values[k]) ?? "";
                    Err.InvalidEach(errors, $"{p}.values[{k}]", v, Formats.LabelValue(v));
                }
            }
        }

        var fields = term.List("matchFields");
        for (var j = 0; j < fields.Count; j++)
        {
            var rq = fields[j];
            var p = $"{path}.matchFields[{j}]";
            var values = rq.List("values");
            if (rq.Text("operator") is "In" or "NotIn")
            {
                if (values.Count != 1)
                {
                    errors.Add(Err.Required(p + ".values", "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
                }
            }
            else
            {
                errors.Add(Err.Invalid(p + ".operator", rq.Text("operator"), "not a valid selector operator"));
            }

            if (rq.Text("key") != "metadata.name")
            {
                errors.Add(Err.Invalid(p + ".key", rq.Text("key"), "not a valid field selector key"));
            }
            else
            {
                for (var k = 0; k < values.Count; k++)
                {
                    var v = Js.AsText(values[k]) ?? "";
                    Err.InvalidEach(errors, $"{p}.values[{k}]", v, Formats.Dns1123Subdomain(v));
                }
            }
        }
    }

    public static void Tolerations(IList<JsonNode?> tolerations, string path, List<FieldError> errors)
    {
        for (var i = 0; i < tolerations.Count; i++)
        {
            var t = tolerations[i];
            var p = $"{path}[{i}]";
            var key = t.Text("key");
            var op = t.Text("operator");
            var effect = t.Text("effect");
            var value = t.Text("value");
            if (key.Length > 0)
            {
                Labels.ValidateLabelName(key, p + ".key", errors);
            }

            if (key.Length == 0 && op != "Exists")
            {
                errors.Add(Err.Invalid(p + ".operator", op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
            }

            if (t.IsSet("tolerationSeconds") && effect != "NoExecute")
            {
                errors.Add(Err.Invalid(p + ".effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
            }

            switch (op)
            {
                case "Equal" or "":
                    var problems = Formats.LabelValue(value);
                    if (problems.Count > 0)
                    {
                        errors.Add(Err.Invalid(p + ".operator", value, string.Join(";", problems)));
                    }

                    break;
                case "Exists":
                    if (value.Length > 0)
                    {
                        errors.Add(Err.Invalid(p + ".operator", value, "value must be empty when `operator` is 'Exists'"));
                    }

                    break;
                default:
                    errors.Add(Err.NotSupported(p + ".operator", op, "Equal", "Exists"));
                    break;
            }

            if (effect.Length > 0 && !TaintEffects.Contains(effect))
            {
                errors.Add(Err.NotSupported(p + ".effect", effect, TaintEffects));
            }
        }
    }

    /// <summary>validateNodeTaints (node spec.taints; upstream reports them under metadata.taints).</summary>
    public static void Taints(IList<JsonNode?> taints, string path, List<FieldError> errors)
    {
        var unique = new HashSet<(string, string)>();
        for (var i = 0; i < taints.Count; i++)
        {
            var t = taints[i];
            var p = $"{path}[{i}]";
            var key = t.Text("key");
            var effect = t.Text("effect");
            Labels.ValidateLabelName(key, p + ".key", errors);
            var value = t.Text("value");
            var problems = Formats.LabelValue(value);
            if (problems.Count > 0)
            {
                errors.Add(Err.Invalid(p + ".value", value, string.Join(";", problems)));
            }

            if (effect.Length == 0)
            {
                errors.Add(Err.Required(p + ".effect"));
            }
            else if (!TaintEffects.Contains(effect))
            {
                errors.Add(Err.NotSupported(p + ".effect", effect, TaintEffects));
            }

            if (!unique.Add((effect, key)))
            {
                errors.Add(Err.Duplicate(p, Js.Render(t), "taints must be unique by key and effect pair"));
            }
        }
    }

    private static void DnsConfig(JsonObject? config, string dnsPolicy, string path, List<FieldError> errors)
    {
        if (dnsPolicy == "None")
        {
            if (config is null)
            {
                errors.Add(Err.Required(path, "must provide `dnsConfig` when `dnsPolicy` is None"));
                return;
            }

            if (config.List("nameservers").Count == 0)
            {
                errors.Add(Err.Required(path + ".nameservers", "must provide at least one DNS nameserver when `dnsPolicy` is None"));
                return;
            }
        }

        if (config is null)
        {
            return;
        }

        var nameservers = config.List("nameservers");
        if (nameservers.Count > 3)
        {
            errors.Add(Err.Invalid(path + ".nameservers", Js.Render(config["nameservers"]), "must not have more than 3 nameservers"));
        }

        for (var i = 0; i < nameservers.Count; i++)
        {
            Formats.ValidIp(errors, $"{path}.nameservers[{i}]", Js.AsText(nameservers[i]) ?? "");
        }

        var searches = config.List("searches").Select(s => Js.AsText(s) ?? "").ToList();
        if (searches.Count > 32)
        {
            errors.Add(Err.Invalid(path + ".searches", Js.Render(config["searches"]), "must not have more than 32 search paths"));
        }

        if (string.Join(" ", searches).Length > 2048)
        {
            errors.Add(Err.Invalid(path + ".searches", Js.Render(config["searches"]), "must not have more than 2048 characters (including spaces) in the search list"));
        }

        for (var i = 0; i < searches.Count; i++)
        {
            if (searches[i] == ".")
            {
                continue;
            }

            var search = searches[i].EndsWith('.') ? searches[i][..^1] : searches[i];
            Err.InvalidEach(errors, $"{path}.searches[{i}]", search, Formats.Dns1123SubdomainWithUnderscore(search));
        }

        var options = config.List("options");
        for (var i = 0; i < options.Count; i++)
        {
            if (options[i].Text("name").Length == 0)
            {
                errors.Add(Err.Required($"{path}.options[{i}]", "must not be empty"));
            }
        }
    }

    private static void SchedulingGates(IList<JsonNode?> gates, string path, List<FieldError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < gates.Count; i++)
        {
            var name = gates[i].Text("name");
            Err.InvalidEach(errors, $"{path}[{i}]", name, Formats.QualifiedName(name));
            if (!seen.Add(name))
            {
                errors.Add(Err.Duplicate($"{path}[{i}]", name));
            }
        }
    }

    private static void TopologySpreadConstraints(IList<JsonNode?> constraints, string path, List<FieldError> errors)
    {
        for (var i = 0; i < constraints.Count; i++)
        {
            var c = constraints[i] as JsonObject ?? [];
            var p = $"{path}[{i}]";
            var maxSkew = c.Num("maxSkew") ?? 0;
            if (maxSkew <= 0)
            {
                errors.Add(Err.Invalid(p + ".maxSkew", maxSkew, "must be greater than zero"));
            }

            var topologyKey = c.Text("topologyKey");
            if (topologyKey.Length == 0)
            {
                errors.Add(Err.Required(p + ".topologyKey", "can not be empty"));
            }

            var when = c.Text("whenUnsatisfiable");
            if (when is not ("DoNotSchedule" or "ScheduleAnyway"))
            {
                errors.Add(Err.NotSupported(p + ".whenUnsatisfiable", when, "DoNotSchedule", "ScheduleAnyway"));
            }

            for (var j = i + 1; j < constraints.Count; j++)
            {
                if (constraints[j].Text("topologyKey") == topologyKey && constraints[j].Text("whenUnsatisfiable") == when)
                {
                    errors.Add(Err.Duplicate(p + ".{topologyKey, whenUnsatisfiable}", $"{{{topologyKey}, {when}}}"));
                    break;
                }
            }

            if (c.Num("minDomains") is { } minDomains)
            {
                if (minDomains <= 0)
                {
                    errors.Add(Err.Invalid(p + ".minDomains", minDomains, "must be greater than zero"));
                }

                if (when != "DoNotSchedule")
                {
                    errors.Add(Err.Invalid(p + ".minDomains", minDomains, $"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {when}"));
                }
            }

            foreach (var policy in new[] { "nodeAffinityPolicy", "nodeTaintsPolicy" })
            {
                if (c.TextOrNull(policy) is { } value && value is not ("Honor" or "Ignore"))
                {
                    errors.Add(Err.NotSupported($"{p}.{policy}", value, "Honor", "Ignore"));
                }
            }

            var keys = c.List("matchLabelKeys");
            if (keys.Count > 0)
            {
                var selector = c.Obj("labelSelector");
                var selectorKeys = new HashSet<string>(StringComparer.Ordinal);
                if (selector is null)
                {
                    errors.Add(Err.Forbidden(p + ".matchLabelKeys", "must not be specified when labelSelector is not set"));
                }
                else
                {
                    selectorKeys.UnionWith(Js.MapOf(selector.Obj("matchLabels")).Select(kv => kv.Key));
                    selectorKeys.UnionWith(selector.List("matchExpressions").Select(e => e.Text("key")));
                }

                for (var j = 0; j < keys.Count; j++)
                {
                    var key = Js.AsText(keys[j]) ?? "";
                    Labels.ValidateLabelName(key, $"{p}.matchLabelKeys[{j}]", errors);
                    if (selectorKeys.Contains(key))
                    {
                        errors.Add(Err.Invalid($"{p}.matchLabelKeys[{j}]", key, "exists in both matchLabelKeys and labelSelector"));
                    }
                }
            }

            Labels.ValidateLabelSelector(c["labelSelector"], p + ".labelSelector", errors);
        }
    }

    private static void Os(JsonObject spec, JsonObject os, string path, List<FieldError> errors)
    {
        var name = os.Text("name");
        if (name.Length == 0)
        {
            errors.Add(Err.Required(path + ".os.name", "cannot be empty"));
            return;
        }

        if (name is not ("linux" or "windows"))
        {
            errors.Add(Err.NotSupported(path + ".os", name, "linux", "windows"));
            return;
        }

        var sc = spec.Obj("securityContext");
        var containers = new List<(JsonNode? Container, string Path)>();
        foreach (var kind in new[] { "initContainers", "containers", "ephemeralContainers" })
        {
            var list = spec.List(kind);
            for (var i = 0; i < list.Count; i++)
            {
                containers.Add((list[i], $"{path}.{kind}[{i}]"));
            }
        }

        if (name == "linux")
        {
            if (sc.IsSet("windowsOptions"))
            {
                errors.Add(Err.Forbidden(path + ".securityContext.windowsOptions", "windows options cannot be set for a linux pod"));
            }

            foreach (var (c, cp) in containers)
            {
                if (c.Obj("securityContext").IsSet("windowsOptions"))
                {
                    errors.Add(Err.Forbidden(cp + ".securityContext.windowsOptions", "windows options cannot be set for a linux pod"));
                }
            }

            return;
        }

        const string windows = "cannot be set for a windows pod";
        foreach (var field in new[] { "appArmorProfile", "seLinuxOptions" })
        {
            if (sc.IsSet(field))
            {
                errors.Add(Err.Forbidden($"{path}.securityContext.{field}", windows));
            }
        }

        if (spec.IsSet("hostUsers"))
        {
            errors.Add(Err.Forbidden(path + ".hostUsers", windows));
        }

        if (spec.Flag("hostPID"))
        {
            errors.Add(Err.Forbidden(path + ".hostPID", windows));
        }

        if (spec.Flag("hostIPC"))
        {
            errors.Add(Err.Forbidden(path + ".hostIPC", windows));
        }

        foreach (var field in new[] { "seccompProfile", "fsGroup", "fsGroupChangePolicy", "sysctls", "runAsUser", "runAsGroup", "supplementalGroups", "supplementalGroupsPolicy", "seLinuxChangePolicy" })
        {
            if (field == "sysctls" ? sc.HasItems(field) : sc.IsSet(field))
            {
                errors.Add(Err.Forbidden($"{path}.securityContext.{field}", windows));
            }
        }

        if (spec.IsSet("shareProcessNamespace"))
        {
            errors.Add(Err.Forbidden(path + ".shareProcessNamespace", windows));
        }

        foreach (var (c, cp) in containers)
        {
            var csc = c.Obj("securityContext");
            foreach (var field in new[] { "appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities", "readOnlyRootFilesystem", "privileged", "allowPrivilegeEscalation", "procMount", "runAsUser", "runAsGroup" })
            {
                if (csc.IsSet(field))
                {
                    errors.Add(Err.Forbidden($"{cp}.securityContext.{field}", windows));
                }
            }
        }
    }
}
