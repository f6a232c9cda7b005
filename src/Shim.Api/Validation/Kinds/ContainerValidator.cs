using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>Containers, init containers and ephemeral containers of a pod spec.</summary>
public static class ContainerValidator
{
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];
    private static readonly string[] PullPolicies = ["Always", "IfNotPresent", "Never"];
    private static readonly string[] EnvFieldPaths =
        ["metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"];

    private static readonly string[] ResourceFieldPaths =
        ["limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"];

    private static readonly HashSet<string> ConvertibleFieldLabels =
    [
        "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
        "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs",
        "status.podIP", "status.podIPs",
    ];

    private static readonly HashSet<string> EphemeralAllowed =
    [
        "name", "image", "command", "args", "workingDir", "envFrom", "env", "volumeMounts", "volumeDevices", "terminationMessagePath",
        "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty", "targetContainerName",
    ];

    public static void ValidateContainers(IList<JsonNode?> containers, string path, PodContext ctx, List<FieldError> errors)
    {
        if (containers.Count == 0)
        {
            errors.Add(Err.Required(path));
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < containers.Count; i++)
        {
            var c = containers[i] as JsonObject ?? [];
            var p = $"{path}[{i}]";
            Common(c, p, ctx, errors);
            var name = c.Text("name");
            if (!names.Add(name))
            {
                errors.Add(Err.Duplicate(p + ".name", name));
            }

            if (c["lifecycle"] is JsonObject lifecycle)
            {
                Lifecycle(lifecycle, p + ".lifecycle", ctx, errors);
            }

            Probe(c.Obj("livenessProbe"), p + ".livenessProbe", ProbeKind.Liveness, ctx, errors);
            Probe(c.Obj("readinessProbe"), p + ".readinessProbe", ProbeKind.Readiness, ctx, errors);
            Probe(c.Obj("startupProbe"), p + ".startupProbe", ProbeKind.Startup, ctx, errors);
            if (c.IsSet("restartPolicy"))
            {
                errors.Add(Err.Forbidden(p + ".restartPolicy", "may not be set for non-init containers"));
            }
        }

        HostPortConflicts(containers, path, errors);
    }

    public static void ValidateInitContainers(IList<JsonNode?> inits, IList<JsonNode?> regular, string path, PodContext ctx, List<FieldError> errors)
    {
        var names = new HashSet<string>(regular.Select(c => c.Text("name")), StringComparer.Ordinal);
        for (var i = 0; i < inits.Count; i++)
        {
            var c = inits[i] as JsonObject ?? [];
            var p = $"{path}[{i}]";
            Common(c, p, ctx, errors);
            var restartAlways = false;
            if (c.TextOrNull("restartPolicy") is { } policy)
            {
                if (policy != "Always")
                {
                    errors.Add(Err.NotSupported(p + ".restartPolicy", policy, "Always"));
                }

                restartAlways = policy == "Always";
            }

            var name = c.Text("name");
            if (names.Contains(name))
            {
                errors.Add(Err.Duplicate(p + ".name", name));
            }
            else if (name.Length > 0)
            {
                names.Add(name);
            }

            HostPortConflicts([c], path, errors);
            if (restartAlways)
            {
                if (c["lifecycle"] is JsonObject lifecycle)
                {
                    Lifecycle(lifecycle, p + ".lifecycle", ctx, errors);
                }

                Probe(c.Obj("livenessProbe"), p + ".livenessProbe", ProbeKind.Liveness, ctx, errors);
                Probe(c.Obj("readinessProbe"), p + ".readinessProbe", ProbeKind.Readiness, ctx, errors);
                Probe(c.Obj("startupProbe"), p + ".startupProbe", ProbeKind.Startup, ctx, errors);
            }
            else
            {
                foreach (var field in new[] { "lifecycle", "livenessProbe", "readinessProbe", "startupProbe" })
                {
                    if (c.IsSet(field))
                    {
                        errors.Add(Err.Forbidden($"{p}.{field}", "may not be set for init containers without restartPolicy=Always"));
                    }
                }
            }
        }
    }

    public static void ValidateEphemeralContainers(IList<JsonNode?> ephemeral, IList<JsonNode?> regular, IList<JsonNode?> inits, string path, PodContext ctx, List<FieldError> errors)
    {
        if (ephemeral.Count == 0)
        {
            return;
        }

        var others = new HashSet<string>(regular.Concat(inits).Select(c => c.Text("name")), StringComparer.Ordinal);
        var all = new HashSet<string>(others, StringComparer.Ordinal);
        for (var i = 0; i < ephemeral.Count; i++)
        {
            var c = ephemeral[i] as JsonObject ?? [];
            var p = $"{path}[{i}]";
            Common(c, p, ctx, errors);
            OnlyForPod(c, p, errors);
            var name = c.Text("name");
            if (!all.Add(name))
            {
                errors.Add(Err.Duplicate(p + ".name", name));
            }

            var target = c.Text("targetContainerName");
            if (target.Length > 0 && !others.Contains(target))
            {
                errors.Add(Err.NotFound(p + ".targetContainerName", target));
            }

            foreach (var (key, value) in c)
            {
                if (!EphemeralAllowed.Contains(key) && value is not null && !(value is JsonArray { Count: 0 }))
                {
                    errors.Add(Err.Forbidden($"{p}.{key}", "cannot be set for an Ephemeral Container"));
                }
            }

            var mounts = c.List("volumeMounts");
            for (var j = 0; j < mounts.Count; j++)
            {
                if (mounts[j].Text("subPath").Length > 0)
                {
                    errors.Add(Err.Forbidden($"{p}.volumeMounts[{j}].subPath", "cannot be set for an Ephemeral Container"));
                }

                if (mounts[j].Text("subPathExpr").Length > 0)
                {
                    errors.Add(Err.Forbidden($"{p}.volumeMounts[{j}].subPathExpr", "cannot be set for an Ephemeral Container"));
                }
            }
        }
    }

    /// <summary>validateContainerOnlyForPod: the image may not be padded with whitespace.</summary>
    public static void OnlyForPod(JsonObject container, string path, List<FieldError> errors)
    {
        var image = container.Text("image");
        if (image.Length != image.Trim().Length)
        {
            errors.Add(Err.Invalid(path + ".image", image, "must not have leading or trailing whitespace"));
        }
    }

    private static void Common(JsonObject c, string path, PodContext ctx, List<FieldError> errors)
    {
        var name = c.Text("name");
        if (name.Length == 0)
        {
            errors.Add(Err.Required(path + ".name"));
        }
        else
        {
            Err.InvalidEach(errors, path + ".name", name, Formats.Dns1123Label(name));
        }

        if (c.Text("image").Length == 0)
        {
            errors.Add(Err.Required(path + ".image"));
        }

        var tmp = c.Text("terminationMessagePolicy");
        if (tmp.Length > 0 && tmp is not ("File" or "FallbackToLogsOnError"))
        {
            errors.Add(Err.NotSupported(path + ".terminationMessagePolicy", tmp, "File", "FallbackToLogsOnError"));
        }

        var mounts = c.List("volumeMounts");
        var devices = c.List("volumeDevices");
        Ports(c.List("ports"), path + ".ports", errors);
        Env(c.List("env"), path + ".env", errors);
        EnvFrom(c.List("envFrom"), path + ".envFrom", errors);
        VolumeMounts(mounts, devices, c, path + ".volumeMounts", ctx, errors);
        VolumeDevices(devices, mounts, path + ".volumeDevices", ctx, errors);
        PullPolicy(c.Text("imagePullPolicy"), path + ".imagePullPolicy", errors);
        ResourceRequirementsValidator.ValidateContainer(c.Obj("resources"), path + ".resources", ctx, errors);
        ResizePolicy(c.List("resizePolicy"), path + ".resizePolicy", ctx, errors);
        SecurityContext(c.Obj("securityContext"), path + ".securityContext", ctx, errors);
    }

    /// <summary>validatePullPolicy (empty is defaulted, so not reported).</summary>
    public static void PullPolicy(string policy, string path, List<FieldError> errors)
    {
        if (policy.Length > 0 && !PullPolicies.Contains(policy))
        {
            errors.Add(Err.NotSupported(path, policy, PullPolicies));
        }
    }

    private static void Ports(IList<JsonNode?> ports, string path, List<FieldError> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var p = $"{path}[{i}]";
            var name = port.Text("name");
            if (name.Length > 0)
            {
                var problems = Formats.PortName(name);
                if (problems.Count > 0)
                {
                    Err.InvalidEach(errors, p + ".name", name, problems);
                }
                else if (!names.Add(name))
                {
                    errors.Add(Err.Duplicate(p + ".name", name));
                }
            }

            var containerPort = port.Num("containerPort") ?? 0;
            if (containerPort == 0)
            {
                errors.Add(Err.Required(p + ".containerPort"));
            }
            else
            {
                Err.InvalidEach(errors, p + ".containerPort", containerPort, Formats.PortNum(containerPort));
            }

            var hostPort = port.Num("hostPort") ?? 0;
            if (hostPort != 0)
            {
                Err.InvalidEach(errors, p + ".hostPort", hostPort, Formats.PortNum(hostPort));
            }

            var protocol = port.Text("protocol");
            if (protocol.Length > 0 && !Protocols.Contains(protocol))
            {
                errors.Add(Err.NotSupported(p + ".protocol", protocol, Protocols));
            }
        }
    }

    private static void HostPortConflicts(IList<JsonNode?> containers, string path, List<FieldError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < containers.Count; i++)
        {
            var ports = containers[i].List("ports");
            for (var j = 0; j < ports.Count; j++)
            {
                var hostPort = ports[j].Num("hostPort") ?? 0;
                if (hostPort == 0)
                {
                    continue;
                }

                var protocol = ports[j].Text("protocol");
                var key = $"{(protocol.Length == 0 ? "TCP" : protocol)}/{ports[j].Text("hostIP")}/{hostPort}";
                if (!seen.Add(key))
                {
                    errors.Add(Err.Duplicate($"{path}[{i}].ports[{j}].hostPort", key));
                }
            }
        }
    }

    private static void Env(IList<JsonNode?> vars, string path, List<FieldError> errors)
    {
        for (var i = 0; i < vars.Count; i++)
        {
            var ev = vars[i];
            var p = $"{path}[{i}]";
            var name = ev.Text("name");
            if (name.Length == 0)
            {
                errors.Add(Err.Required(p + ".name"));
            }
            else
            {
                Err.InvalidEach(errors, p + ".name", name, Formats.EnvVarName(name));
            }

            if (ev?["valueFrom"] is JsonObject valueFrom)
            {
                EnvVarSource(valueFrom, ev.Text("value"), p + ".valueFrom", errors);
            }
        }
    }

    private static void EnvVarSource(JsonObject source, string value, string path, List<FieldError> errors)
    {
        var num = 0;
        if (source["fieldRef"] is JsonObject fieldRef)
        {
            num++;
            ObjectFieldSelector(fieldRef, EnvFieldPaths, path + ".fieldRef", errors);
        }

        if (source["resourceFieldRef"] is JsonObject resourceFieldRef)
        {
            num++;
            ResourceFieldSelector(resourceFieldRef, path + ".resourceFieldRef", volume: false, errors);
        }

        foreach (var kind in new[] { "configMapKeyRef", "secretKeyRef" })
        {
            if (source[kind] is not JsonObject keyRef)
            {
                continue;
            }

            num++;
            var name = keyRef.Text("name");
            Err.InvalidEach(errors, $"{path}.{kind}.name", name, Formats.Dns1123Subdomain(name));
            var key = keyRef.Text("key");
            if (key.Length == 0)
            {
                errors.Add(Err.Required($"{path}.{kind}.key"));
            }
            else
            {
                Err.InvalidEach(errors, $"{path}.{kind}.key", key, Formats.ConfigMapKey(key));
            }
        }

        if (source["fileKeyRef"] is JsonObject)
        {
            num++;
        }

        if (num == 0)
        {
            errors.Add(Err.Invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
        }
        else if (value.Length != 0)
        {
            errors.Add(Err.Invalid(path, "", "may not be specified when `value` is not empty"));
        }
        else if (num > 1)
        {
            errors.Add(Err.Invalid(path, "", "may not have more than one field specified at a time"));
        }
    }

    /// <summary>validateObjectFieldSelector with the downward API field label conversion of v1 pods.</summary>
    public static void ObjectFieldSelector(JsonObject selector, string[] expressions, string path, List<FieldError> errors)
    {
        var apiVersion = selector.Text("apiVersion");
        var fieldPath = selector.Text("fieldPath");
        if (fieldPath.Length == 0)
        {
            errors.Add(Err.Required(path + ".fieldPath"));
            return;
        }

        if (apiVersion.Length > 0 && apiVersion != "v1")
        {
            errors.Add(Err.Invalid(path + ".fieldPath", fieldPath, $"error converting fieldPath: unsupported pod version: {apiVersion}"));
            return;
        }

        var open = fieldPath.IndexOf("['", StringComparison.Ordinal);
        if (open > 0 && fieldPath.EndsWith("']", StringComparison.Ordinal))
        {
            var basePath = fieldPath[..open];
            var subscript = fieldPath[(open + 2)..^2];
            switch (basePath)
            {
                case "metadata.annotations":
                    Err.InvalidEach(errors, path, subscript.ToLowerInvariant(), Formats.QualifiedName(subscript.ToLowerInvariant()));
                    break;
                case "metadata.labels":
                    Err.InvalidEach(errors, path, subscript, Formats.QualifiedName(subscript));
                    break;
                default:
                    errors.Add(Err.Invalid(path + ".fieldPath", fieldPath, $"error converting fieldPath: field label does not support subscript: {fieldPath}"));
                    break;
            }

            return;
        }

        var internalPath = fieldPath == "spec.host" ? "spec.nodeName" : fieldPath;
        if (!ConvertibleFieldLabels.Contains(internalPath))
        {
            errors.Add(Err.Invalid(path + ".fieldPath", fieldPath, $"error converting fieldPath: field label not supported: {fieldPath}"));
            return;
        }

        if (!expressions.Contains(internalPath))
        {
            errors.Add(Err.NotSupported(path + ".fieldPath", internalPath, expressions));
        }
    }

    public static void ResourceFieldSelector(JsonObject selector, string path, bool volume, List<FieldError> errors)
    {
        var resource = selector.Text("resource");
        if (volume && selector.Text("containerName").Length == 0)
        {
            errors.Add(Err.Required(path + ".containerName"));
        }
        else if (resource.Length == 0)
        {
            errors.Add(Err.Required(path + ".resource"));
        }
        else if (!ResourceFieldPaths.Contains(resource)
            && !resource.StartsWith("requests.hugepages-", StringComparison.Ordinal)
            && !resource.StartsWith("limits.hugepages-", StringComparison.Ordinal))
        {
            errors.Add(Err.NotSupported(path + ".resource", resource, ResourceFieldPaths));
        }

        if (selector["divisor"] is not { } divisorNode || !Quantity.TryRead(divisorNode, out var divisor) || divisor.Value == 0)
        {
            return;
        }

        var memoryLike = new[] { 1m, 1e3m, 1e6m, 1e9m, 1e12m, 1e15m, 1e18m, 1024m, 1048576m, 1073741824m, 1099511627776m, 1125899906842624m, 1152921504606846976m };
        const string memoryValues = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei";
        string? problem = resource switch
        {
            "limits.cpu" or "requests.cpu" when divisor.Value is not (1m or 0.001m) => "only divisor's values 1m and 1 are supported with the cpu resource",
            "limits.memory" or "requests.memory" when !memoryLike.Contains(divisor.Value) => $"only divisor's values {memoryValues} are supported with the memory resource",
            "limits.ephemeral-storage" or "requests.ephemeral-storage" when !memoryLike.Contains(divisor.Value) => $"only divisor's values {memoryValues} are supported with the local ephemeral storage resource",
            _ when (resource.StartsWith("requests.hugepages-", StringComparison.Ordinal) || resource.StartsWith("limits.hugepages-", StringComparison.Ordinal)) && !memoryLike.Contains(divisor.Value)
                => $"only divisor's values {memoryValues} are supported with the hugepages resource",
            _ => null,
        };
        if (problem is not null)
        {
            errors.Add(Err.Invalid(path + ".divisor", resource, problem));
        }
    }

    private static void EnvFrom(IList<JsonNode?> sources, string path, List<FieldError> errors)
    {
        for (var i = 0; i < sources.Count; i++)
        {
            var ev = sources[i];
            var p = $"{path}[{i}]";
            var prefix = ev.Text("prefix");
            if (prefix.Length > 0)
            {
                Err.InvalidEach(errors, p + ".prefix", prefix, Formats.EnvVarName(prefix));
            }

            var num = 0;
            foreach (var kind in new[] { "configMapRef", "secretRef" })
            {
                if (ev.Obj(kind) is not { } source)
                {
                    continue;
                }

                num++;
                var name = source.Text("name");
                if (name.Length == 0)
                {
                    errors.Add(Err.Required($"{p}.{kind}.name"));
                }
                else
                {
                    var masked = name.Length > 1 && name.EndsWith('-') ? name[..^1] + "a" : name;
                    Err.InvalidEach(errors, $"{p}.{kind}.name", name, Formats.Dns1123Subdomain(masked));
                }
            }

            if (num == 0)
            {
                errors.Add(Err.Invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
            }
            else if (num > 1)
            {
                errors.Add(Err.Invalid(path, "", "may not have more than one field specified at a time"));
            }
        }
    }

    private static void VolumeMounts(IList<JsonNode?> mounts, IList<JsonNode?> devices, JsonObject container, string path, PodContext ctx, List<FieldError> errors)
    {
        var mountPoints = new HashSet<string>(StringComparer.Ordinal);
        var deviceNames = devices.Select(d => d.Text("name")).ToHashSet(StringComparer.Ordinal);
        var devicePaths = devices.Select(d => d.Text("devicePath")).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < mounts.Count; i++)
        {
            var m = mounts[i];
            var p = $"{path}[{i}]";
            var name = m.Text("name");
            var mountPath = m.Text("mountPath");
            if (name.Length == 0)
            {
                errors.Add(Err.Required(p + ".name"));
            }

            if (!ctx.Volumes.ContainsKey(name))
            {
                errors.Add(Err.NotFound(p + ".name", name));
            }

            if (mountPath.Length == 0)
            {
                errors.Add(Err.Required(p + ".mountPath"));
            }

            if (!mountPoints.Add(mountPath))
            {
                errors.Add(Err.Invalid(p + ".mountPath", mountPath, "must be unique"));
            }

            if (deviceNames.Contains(name))
            {
                errors.Add(Err.Invalid(p + ".name", name, "must not already exist in volumeDevices"));
            }

            if (devicePaths.Contains(mountPath))
            {
                errors.Add(Err.Invalid(p + ".mountPath", mountPath, "must not already exist as a path in volumeDevices"));
            }

            var subPath = m.Text("subPath");
            var subPathExpr = m.Text("subPathExpr");
            if (ctx.Volumes.TryGetValue(name, out var vol) && vol.IsSet("image"))
            {
                if (subPath.Length != 0)
                {
                    errors.Add(Err.Invalid(p + ".subPath", subPath, "not allowed in image volume sources"));
                }

                if (subPathExpr.Length != 0)
                {
                    errors.Add(Err.Invalid(p + ".subPathExpr", subPathExpr, "not allowed in image volume sources"));
                }
            }

            if (subPath.Length > 0)
            {
                Paths.LocalDescending(subPath, path + ".subPath", errors);
            }

            if (subPathExpr.Length > 0)
            {
                if (subPath.Length > 0)
                {
                    errors.Add(Err.Invalid(p + ".subPathExpr", subPathExpr, "subPathExpr and subPath are mutually exclusive"));
                }

                Paths.LocalDescending(subPathExpr, path + ".subPathExpr", errors);
            }

            var propagation = m.TextOrNull("mountPropagation");
            if (propagation is not null)
            {
                if (propagation is not ("Bidirectional" or "HostToContainer" or "None"))
                {
                    errors.Add(Err.NotSupported(path + ".mountPropagation", propagation, "Bidirectional", "HostToContainer", "None"));
                }

                if (propagation == "Bidirectional" && !container.Obj("securityContext").Flag("privileged"))
                {
                    errors.Add(Err.Forbidden(path + ".mountPropagation", "Bidirectional mount propagation is available only to privileged containers"));
                }
            }

            if (m.TextOrNull("recursiveReadOnly") is { } rro)
            {
                var rroPath = path + ".recursiveReadOnly";
                switch (rro)
                {
                    case "Disabled":
                        break;
                    case "Enabled" or "IfPossible":
                        if (!m.Flag("readOnly"))
                        {
                            errors.Add(Err.Forbidden(rroPath, "may only be specified when readOnly is true"));
                        }

                        if (propagation is not null and not "None")
                        {
                            errors.Add(Err.Forbidden(rroPath, "may only be specified when mountPropagation is None or not specified"));
                        }

                        break;
                    default:
                        errors.Add(Err.NotSupported(rroPath, rro, "Disabled", "Enabled", "IfPossible"));
                        break;
                }
            }
        }
    }

    private static void VolumeDevices(IList<JsonNode?> devices, IList<JsonNode?> mounts, string path, PodContext ctx, List<FieldError> errors)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var mountNames = mounts.Select(m => m.Text("name")).ToHashSet(StringComparer.Ordinal);
        var mountPaths = mounts.Select(m => m.Text("mountPath")).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < devices.Count; i++)
        {
            var d = devices[i];
            var p = $"{path}[{i}]";
            var name = d.Text("name");
            var devicePath = d.Text("devicePath");
            var matched = ctx.Volumes.TryGetValue(name, out var vol);
            var isPvc = matched && (vol.IsSet("persistentVolumeClaim") || vol.IsSet("ephemeral"));
            if (name.Length == 0)
            {
                errors.Add(Err.Required(p + ".name"));
            }

            if (names.Contains(name))
            {
                errors.Add(Err.Invalid(p + ".name", name, "must be unique"));
            }

            if (matched && !isPvc)
            {
                errors.Add(Err.Invalid(p + ".name", name, "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"));
            }

            if (!matched)
            {
                errors.Add(Err.NotFound(p + ".name", name));
            }

            if (devicePath.Length == 0)
            {
                errors.Add(Err.Required(p + ".devicePath"));
            }

            if (paths.Contains(devicePath))
            {
                errors.Add(Err.Invalid(p + ".devicePath", devicePath, "must be unique"));
            }

            if (devicePath.Length > 0 && devicePath.Replace('\\', '/').Split('/').Contains(".."))
            {
                errors.Add(Err.Invalid(p + ".devicePath", devicePath, "can not contain backsteps ('..')"));
            }
            else
            {
                paths.Add(devicePath);
            }

            if (mountNames.Contains(name))
            {
                errors.Add(Err.Invalid(p + ".name", name, "must not already exist in volumeMounts"));
            }

            if (mountPaths.Contains(devicePath))
            {
                errors.Add(Err.Invalid(p + ".devicePath", devicePath, "must not already exist as a path in volumeMounts"));
            }

            if (name.Length > 0)
            {
                names.Add(name);
            }
        }
    }

    private static void ResizePolicy(IList<JsonNode?> policies, string path, PodContext ctx, List<FieldError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < policies.Count; i++)
        {
            var resource = policies[i].Text("resourceName");
            var restart = policies[i].Text("restartPolicy");
            if (!seen.Add(resource))
            {
                errors.Add(Err.Duplicate($"{path}[{i}]", resource));
            }

            switch (resource)
            {
                case "cpu" or "memory":
                    break;
                case "":
                    errors.Add(Err.Required(path));
                    break;
                default:
                    errors.Add(Err.NotSupported(path, resource, "cpu", "memory"));
                    break;
            }

            switch (restart)
            {
                case "NotRequired" or "RestartContainer":
                    break;
                case "":
                    errors.Add(Err.Required(path));
                    break;
                default:
                    errors.Add(Err.NotSupported(path, restart, "NotRequired", "RestartContainer"));
                    break;
            }

            if (ctx.RestartPolicy == "Never" && restart != "NotRequired")
            {
                errors.Add(Err.Invalid(path, restart, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
            }
        }
    }

    private enum ProbeKind
    {
        Liveness,
        Readiness,
        Startup,
    }

    private static void Probe(JsonObject? probe, string path, ProbeKind kind, PodContext ctx, List<FieldError> errors)
    {
        if (probe is null)
        {
            return;
        }

        Handler(probe, path, allowSleep: false, allowGrpc: true, ctx, errors);
        foreach (var field in new[] { "initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold" })
        {
            Err.NonNegative(errors, $"{path}.{field}", probe.Num(field));
        }

        if (probe.Num("terminationGracePeriodSeconds") is { } grace && grace <= 0)
        {
            errors.Add(Err.Invalid(path + ".terminationGracePeriodSeconds", grace, "must be greater than 0"));
        }

        if (kind != ProbeKind.Readiness && probe.Num("successThreshold") is { } threshold && threshold != 1)
        {
            errors.Add(Err.Invalid(path + ".successThreshold", threshold, "must be 1"));
        }

        if (kind == ProbeKind.Readiness && probe.Num("terminationGracePeriodSeconds") is { } rg)
        {
            errors.Add(Err.Invalid(path + ".terminationGracePeriodSeconds", rg, "must not be set for readinessProbes"));
        }
    }

    private static void Lifecycle(JsonObject lifecycle, string path, PodContext ctx, List<FieldError> errors)
    {
        if (lifecycle["postStart"] is JsonObject postStart)
        {
            Handler(postStart, path + ".postStart", allowSleep: true, allowGrpc: false, ctx, errors);
        }

        if (lifecycle["preStop"] is JsonObject preStop)
        {
            Handler(preStop, path + ".preStop", allowSleep: true, allowGrpc: false, ctx, errors);
        }
    }

    private static void Handler(JsonObject handler, string path, bool allowSleep, bool allowGrpc, PodContext ctx, List<FieldError> errors)
    {
        var num = 0;
        foreach (var kind in new[] { "exec", "httpGet", "tcpSocket", "grpc", "sleep" })
        {
            if (handler[kind] is not JsonObject action || (kind == "grpc" && !allowGrpc) || (kind == "sleep" && !allowSleep))
            {
                continue;
            }

            var p = $"{path}.{kind}";
            if (num > 0)
            {
                errors.Add(Err.Forbidden(p, "may not specify more than 1 handler type"));
                continue;
            }

            num++;
            switch (kind)
            {
                case "exec":
                    if (action.List("command").Count == 0)
                    {
                        errors.Add(Err.Required(p + ".command"));
                    }

                    break;
                case "httpGet":
                    PortNumOrName(action["port"], p + ".port", errors);
                    var scheme = action.Text("scheme");
                    if (scheme.Length > 0 && scheme is not ("HTTP" or "HTTPS"))
                    {
                        errors.Add(Err.NotSupported(p + ".scheme", scheme, "HTTP", "HTTPS"));
                    }

                    foreach (var header in action.List("httpHeaders"))
                    {
                        var headerName = header.Text("name");
                        Err.InvalidEach(errors, p + ".httpHeaders", headerName, Formats.HttpHeaderName(headerName));
                    }

                    break;
                case "tcpSocket":
                    PortNumOrName(action["port"], p + ".port", errors);
                    break;
                case "grpc":
                    var grpcPort = action.Num("port") ?? 0;
                    Err.InvalidEach(errors, p + ".port", grpcPort, Formats.PortNum(grpcPort));
                    break;
                case "sleep":
                    var seconds = action.Num("seconds") ?? 0;
                    if (ctx.GracePeriod is { } grace && (seconds < 0 || seconds > grace))
                    {
                        errors.Add(Err.Invalid(p, seconds, $"must be non-negative and less than terminationGracePeriodSeconds ({grace})"));
                    }

                    break;
            }
        }

        if (num == 0)
        {
            errors.Add(Err.Required(path, "must specify a handler type"));
        }
    }

    /// <summary>ValidatePortNumOrName for an IntOrString port.</summary>
    public static void PortNumOrName(JsonNode? port, string path, List<FieldError> errors)
    {
        if (port is JsonValue v && v.TryGetValue<string>(out var name))
        {
            Err.InvalidEach(errors, path, name, Formats.PortName(name));
            return;
        }

        var number = Js.AsLong(port) ?? 0;
        Err.InvalidEach(errors, path, number, Formats.PortNum(number));
    }

    private static void SecurityContext(JsonObject? sc, string path, PodContext ctx, List<FieldError> errors)
    {
        if (sc is null)
        {
            return;
        }

        if (sc.Num("runAsUser") is { } uid)
        {
            Err.InvalidEach(errors, path + ".runAsUser", uid, Formats.UserId(uid));
        }

        if (sc.Num("runAsGroup") is { } gid)
        {
            Err.InvalidEach(errors, path + ".runAsGroup", gid, Formats.UserId(gid));
        }

        if (sc.TextOrNull("procMount") is { } procMount)
        {
            if (procMount is not ("Default" or "Unmasked"))
            {
                errors.Add(Err.NotSupported(path + ".procMount", procMount, "Default", "Unmasked"));
            }

            if (ctx.HostUsers && procMount == "Unmasked")
            {
                errors.Add(Err.Invalid(path + ".procMount", procMount, "`hostUsers` must be false to use `Unmasked`"));
            }
        }

        SeccompProfile(sc.Obj("seccompProfile"), path + ".seccompProfile", errors);
        if (sc.FlagOrNull("allowPrivilegeEscalation") == false)
        {
            if (sc.Flag("privileged"))
            {
                errors.Add(Err.Invalid(path, Js.Render(sc), "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
            }

            foreach (var cap in sc.Obj("capabilities").List("add"))
            {
                if (Js.AsText(cap) == "CAP_SYS_ADMIN")
                {
                    errors.Add(Err.Invalid(path, Js.Render(sc), "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
                }
            }
        }

        AppArmorProfile(sc.Obj("appArmorProfile"), path + ".appArmorProfile", errors);
    }

    public static void SeccompProfile(JsonObject? profile, string path, List<FieldError> errors)
    {
        if (profile is null)
        {
            return;
        }

        var type = profile.Text("type");
        switch (type)
        {
            case "Localhost" or "RuntimeDefault" or "Unconfined":
                break;
            case "":
                errors.Add(Err.Required(path + ".type", "type is required when seccompProfile is set"));
                break;
            default:
                errors.Add(Err.NotSupported(path + ".type", type, "Localhost", "RuntimeDefault", "Unconfined"));
                break;
        }

        if (type == "Localhost")
        {
            if (profile.TextOrNull("localhostProfile") is not { } local)
            {
                errors.Add(Err.Required(path + ".localhostProfile", "must be set when seccomp type is Localhost"));
            }
            else
            {
                Paths.LocalDescending(local, path + ".localhostProfile", errors);
            }
        }
        else if (profile.IsSet("localhostProfile"))
        {
            errors.Add(Err.Invalid(path + ".localhostProfile", Js.Render(profile), "can only be set when seccomp type is Localhost"));
        }
    }

    public static void AppArmorProfile(JsonObject? profile, string path, List<FieldError> errors)
    {
        if (profile is null)
        {
            return;
        }

        var type = profile.Text("type");
        switch (type)
        {
            case "Localhost":
                if (profile.TextOrNull("localhostProfile") is not { } local)
                {
                    errors.Add(Err.Required(path + ".localhostProfile", "must be set when AppArmor type is Localhost"));
                }
                else
                {
                    if (local.Trim() != local)
                    {
                        errors.Add(Err.Invalid(path + ".localhostProfile", local, "must not be padded with whitespace"));
                    }
                    else if (local.Length == 0)
                    {
                        errors.Add(Err.Required(path + ".localhostProfile", "must be set when AppArmor type is Localhost"));
                    }

                    if (local.Length > 4095)
                    {
                        errors.Add(Err.TooLong(path + ".localhostProfile", 4095));
                    }
                }

                break;
            case "RuntimeDefault" or "Unconfined":
                if (profile.TextOrNull("localhostProfile") is { } set)
                {
                    errors.Add(Err.Invalid(path + ".localhostProfile", set, "can only be set when AppArmor type is Localhost"));
                }

                break;
            case "":
                errors.Add(Err.Required(path + ".type", "type is required when appArmorProfile is set"));
                break;
            default:
                errors.Add(Err.NotSupported(path + ".type", type, "Localhost", "RuntimeDefault", "Unconfined"));
                break;
        }
    }
}
