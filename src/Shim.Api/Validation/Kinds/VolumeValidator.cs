using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>Pod volumes: names, exactly one source per volume, and each source's own rules.</summary>
public static class VolumeValidator
{
    private delegate void SourceRule(JsonObject source, string path, string volumeName, PodContext ctx, List<FieldError> errors);

    private static readonly HashSet<string> HostPathTypes = ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"];

    /// <summary>Sources in upstream order: JSON key, the path name used in "more than 1 volume type" errors, rule.</summary>
    private static readonly (string Key, string ForbiddenName, string ChildName, SourceRule Rule)[] Sources =
    [
        ("emptyDir", "emptyDir", "emptyDir", EmptyDir),
        ("hostPath", "hostPath", "hostPath", (s, p, _, _, e) => HostPath(s, p, e)),
        ("gitRepo", "gitRepo", "gitRepo", GitRepo),
        ("gcePersistentDisk", "gcePersistentDisk", "persistentDisk", (s, p, _, _, e) => { RequireText(s, "pdName", p, e); Partition(s, p, e); }),
        ("awsElasticBlockStore", "awsElasticBlockStore", "awsElasticBlockStore", (s, p, _, _, e) => { RequireText(s, "volumeID", p, e); Partition(s, p, e); }),
        ("secret", "secret", "secret", Secret),
        ("nfs", "nfs", "nfs", (s, p, _, _, e) => Nfs(s, p, e)),
        ("iscsi", "iscsi", "iscsi", Iscsi),
        ("glusterfs", "glusterfs", "glusterfs", (s, p, _, _, e) => { RequireText(s, "endpoints", p, e); RequireText(s, "path", p, e); }),
        ("flocker", "flocker", "flocker", Flocker),
        ("persistentVolumeClaim", "persistentVolumeClaim", "persistentVolumeClaim", (s, p, _, _, e) => RequireText(s, "claimName", p, e)),
        ("rbd", "rbd", "rbd", (s, p, _, _, e) => { RequireList(s, "monitors", p, e); RequireText(s, "image", p, e); }),
        ("cinder", "cinder", "cinder", (s, p, _, _, e) => { RequireText(s, "volumeID", p, e); SecretRefName(s, p, e); }),
        ("cephfs", "cephFS", "cephfs", (s, p, _, _, e) => RequireList(s, "monitors", p, e)),
        ("quobyte", "quobyte", "quobyte", Quobyte),
        ("downwardAPI", "downwarAPI", "downwardAPI", DownwardApi),
        ("fc", "fc", "fc", (s, p, _, _, e) => Fc(s, p, e)),
        ("flexVolume", "flexVolume", "flexVolume", (s, p, _, _, e) => Flex(s, p, e)),
        ("configMap", "configMap", "configMap", ConfigMap),
        ("azureFile", "azureFile", "azureFile", (s, p, _, _, e) => { RequireText(s, "secretName", p, e); RequireText(s, "shareName", p, e); }),
        ("vsphereVolume", "vsphereVolume", "vsphereVolume", (s, p, _, _, e) => RequireText(s, "volumePath", p, e)),
        ("photonPersistentDisk", "photonPersistentDisk", "photonPersistentDisk", (s, p, _, _, e) => RequireText(s, "pdID", p, e)),
        ("portworxVolume", "portworxVolume", "portworxVolume", (s, p, _, _, e) => RequireText(s, "volumeID", p, e)),
        ("azureDisk", "azureDisk", "azureDisk", (s, p, _, _, e) => AzureDisk(s, p, e)),
        ("storageos", "storageos", "storageos", StorageOs),
        ("projected", "projected", "projected", Projected),
        ("scaleIO", "scaleIO", "scaleIO", (s, p, _, _, e) => { RequireText(s, "gateway", p, e); RequireText(s, "system", p, e); RequireText(s, "volumeName", p, e); }),
        ("csi", "csi", "csi", Csi),
        ("ephemeral", "ephemeral", "ephemeral", Ephemeral),
        ("image", "image", "image", Image),
    ];

    public static void ValidateVolumes(IList<JsonNode?> volumes, string path, PodContext ctx, List<FieldError> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var createdClaims = new HashSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(ctx.PodName))
        {
            foreach (var v in volumes)
            {
                if (v.IsSet("ephemeral"))
                {
                    createdClaims.Add(ctx.PodName + "-" + v.Text("name"));
                }
            }
        }

        for (var i = 0; i < volumes.Count; i++)
        {
            var vol = volumes[i] as JsonObject ?? [];
            var idx = $"{path}[{i}]";
            var name = vol.Text("name");
            var el = new List<FieldError>();
            ValidateSource(vol, idx, name, ctx, el);
            if (name.Length == 0)
            {
                el.Add(Err.Required(idx + ".name"));
            }
            else
            {
                Err.InvalidEach(el, idx + ".name", name, Formats.Dns1123Label(name));
            }

            if (names.Contains(name))
            {
                el.Add(Err.Duplicate(idx + ".name", name));
            }

            if (el.Count == 0)
            {
                names.Add(name);
                ctx.Volumes[name] = vol;
            }
            else
            {
                errors.AddRange(el);
            }

            var claim = vol.Obj("persistentVolumeClaim").Text("claimName");
            if (vol.IsSet("persistentVolumeClaim") && createdClaims.Contains(claim))
            {
                errors.Add(Err.Invalid(idx + ".persistentVolumeClaim.claimName", claim, "must not reference a PVC that gets created for an ephemeral volume"));
            }
        }
    }

    private static void ValidateSource(JsonObject vol, string path, string volumeName, PodContext ctx, List<FieldError> errors)
    {
        var count = 0;
        foreach (var (key, forbiddenName, childName, rule) in Sources)
        {
            if (vol[key] is not JsonObject source)
            {
                continue;
            }

            if (count > 0)
            {
                errors.Add(Err.Forbidden($"{path}.{forbiddenName}", "may not specify more than 1 volume type"));
                continue;
            }

            count++;
            rule(source, $"{path}.{childName}", volumeName, ctx, errors);
            if (key == "iscsi" && source.IsSet("initiatorName") && (volumeName + ":" + source.Text("targetPortal")).Length > 64)
            {
                errors.Add(Err.Invalid(path + ".name", volumeName, "Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified."));
            }

            if (key == "ephemeral" && !string.IsNullOrEmpty(ctx.PodName) && volumeName.Length > 0)
            {
                var pvcName = ctx.PodName + "-" + volumeName;
                foreach (var problem in Formats.Dns1123Subdomain(pvcName))
                {
                    errors.Add(Err.Invalid(path + ".name", volumeName, $"PVC name \"{pvcName}\": {problem}"));
                }
            }
        }

        if (count == 0)
        {
            errors.Add(Err.Required(path, "must specify a volume type"));
        }
    }

    private static void RequireText(JsonObject source, string key, string path, List<FieldError> errors)
    {
        if (source.Text(key).Length == 0)
        {
            errors.Add(Err.Required($"{path}.{key}"));
        }
    }

    private static void RequireList(JsonObject source, string key, string path, List<FieldError> errors)
    {
        if (source.List(key).Count == 0)
        {
            errors.Add(Err.Required($"{path}.{key}"));
        }
    }

    private static void SecretRefName(JsonObject source, string path, List<FieldError> errors)
    {
        if (source["secretRef"] is JsonObject secretRef && secretRef.Text("name").Length == 0)
        {
            errors.Add(Err.Required(path + ".secretRef.name"));
        }
    }

    private static void Partition(JsonObject source, string path, List<FieldError> errors)
    {
        if (source.Num("partition") is { } p && (p < 0 || p > 255))
        {
            errors.Add(Err.Invalid(path + ".partition", p, Formats.InclusiveRangeError(1, 255)));
        }
    }

    private static void EmptyDir(JsonObject source, string path, string name, PodContext ctx, List<FieldError> errors)
    {
        if (source["sizeLimit"] is { } limit && Quantity.TryRead(limit, out var q) && q.Sign < 0)
        {
            errors.Add(Err.Forbidden(path + ".sizeLimit", "SizeLimit field must be a valid resource quantity"));
        }
    }

    public static void HostPath(JsonObject source, string path, List<FieldError> errors)
    {
        var p = source.Text("path");
        if (p.Length == 0)
        {
            errors.Add(Err.Required(path + ".path"));
            return;
        }

        Paths.NoBacksteps(p, path + ".path", errors);
        if (source.TextOrNull("type") is { } type && !HostPathTypes.Contains(type))
        {
            errors.Add(Err.NotSupported(path + ".type", type, HostPathTypes.Order(StringComparer.Ordinal).ToArray()));
        }
    }

    private static void GitRepo(JsonObject source, string path, string name, PodContext ctx, List<FieldError> errors)
    {
        RequireText(source, "repository", path, errors);
        Paths.LocalDescending(source.Text("directory"), path + ".directory", errors);
    }

    private static void KeyToPaths(JsonObject source, string path, List<FieldError> errors)
    {
        var items = source.List("items");
        for (var i = 0; i < items.Count; i++)
        {
            KeyToPath(items[i] as JsonObject ?? [], $"{path}.items[{i}]", errors);
        }
    }

    private static void KeyToPath(JsonObject item, string path, List<FieldError> errors)
    {
        RequireText(item, "key", path, errors);
        RequireText(item, "path", path, errors);
        Paths.LocalNonReserved(item.Text("path"), path + ".path", errors);
        Paths.FileMode(item.Num("mode"), path + ".mode", errors);
    }

    private static void Secret(JsonObject source, string path, string name, PodContext ctx, List<FieldError> errors)
    {
        RequireText(source, "secretName", path, errors);
        Paths.FileMode(source.Num("defaultMode"), path + ".defaultMode", errors);
        KeyToPaths(source, path, errors);
    }

    private static void ConfigMap(JsonObject source, string path, string name, PodContext ctx, List<FieldError> errors)
    {
        RequireText(source, "name", path, errors);
        Paths.FileMode(source.Num("defaultMode"), path + ".defaultMode", errors);
        KeyToPaths(source, path, errors);
    }

    public static void Nfs(JsonObject source, string path, List<FieldError> errors)
    {
        RequireText(source, "server", path, errors);
        RequireText(source, "path", path, errors);
        if (!source.Text("path").StartsWith('/'))
        {
            errors.Add(Err.Invalid(path + ".path", source.Text("path"), "must be an absolute path"));
        }
    }

    private static void Iscsi(JsonObject source, string path, string name, PodContext ctx, List<FieldError> errors)
    {
        RequireText(source, "targetPortal", path, errors);
        var iqn = source.Text("iqn");
        if (iqn.Length == 0)
        {
            errors.Add(Err.Required(path + ".iqn"));
        }
        else if (!iqn.StartsWith("iqn", StringComparison.Ordinal) && !iqn.StartsWith("eui", StringComparison.Ordinal) && !iqn.StartsWith("naa", StringComparison.Ordinal))
        {
            errors.Add(Err.Invalid(path + ".iqn", iqn, "must be valid format starting with iqn, eui, or naa"));
        }

        if (source.Num("lun") is { } lun && (lun < 0 || lun > 255))
        {
            errors.Add(Err.Invalid(path + ".lun", lun, Formats.InclusiveRangeError(0, 255)));
        }

        if ((source.Flag("chapAuthDiscovery") || source.Flag("chapAuthSession")) && !source.IsSet("secretRef"))
        {
            errors.Add(Err.Required(path + ".secretRef"));
        }
    }

    private static void Flocker(JsonObject source, string path, string name, PodContext ctx, List<FieldError> errors)
    {
        var dsName = source.Text("datasetName");
        var uuid = source.Text("datasetUUID");
        if (dsName.Length == 0 && uuid.Length == 0)
        {
            errors.Add(Err.Required(path, "one of datasetName and datasetUUID is required"));
        }

        if (dsName.Length > 0 && uuid.Length > 0)
        {
            errors.Add(Err.Invalid(path, "resource", "datasetName and datasetUUID can not be specified simultaneously"));
        }

        if (dsName.Contains('/'))
        {
            errors.Add(Err.Invalid(path + ".datasetName", dsName, "must not contain '/'"));
        }
    }

    private static void Quobyte(JsonObject source, string path, string name, PodContext ctx, List<FieldError> errors)
    {
        if (source.Text("registry").Length == 0)
        {
            errors.Add(Err.Required(path + ".registry", "must be a host:port pair or multiple pairs separated by commas"));
        }

        RequireText(source, "volume", path, errors);
    }

    public static void Fc(JsonObject source, string path, List<FieldError> errors)
    {
        var wwns = source.List("targetWWNs");
        var wwids = source.List("wwids");
        if (wwns.Count < 1 && wwids.Count < 1)
        {
            errors.Add(Err.Required(path + ".targetWWNs", "must specify either targetWWNs or wwids, but not both"));
        }

        if (wwns.Count != 0 && wwids.Count != 0)
        {
            errors.Add(Err.Invalid(path + ".targetWWNs", Js.Render(source["targetWWNs"]), "targetWWNs and wwids can not be specified simultaneously"));
        }

        if (wwns.Count != 0)
        {
            if (source.Num("lun") is not { } lun)
            {
                errors.Add(Err.Required(path + ".lun", "lun is required if targetWWNs is specified"));
            }
            else if (lun < 0 || lun > 255)
            {
                errors.Add(Err.Invalid(path + ".lun", lun, Formats.InclusiveRangeError(0, 255)));
            }
        }
    }

    public static void Flex(JsonObject source, string path, List<FieldError> errors)
    {
        RequireText(source, "driver", path, errors);
        foreach (var (key, _) in source.Obj("options") ?? [])
        {
            var ns = key.Contains('/') ? key[..key.IndexOf('/')] : key;
            var normalized = "." + ns.ToLowerInvariant();
            if (normalized.EndsWith(".kubernetes.io", StringComparison.Ordinal) || normalized.EndsWith(".k8s.io", StringComparison.Ordinal))
            {
                errors.Add(Err.Invalid($"{path}.options[{key}]", key, "kubernetes.io and k8s.io namespaces are reserved"));
            }
        }
    }

    public static void AzureDisk(JsonObject source, string path, List<FieldError> errors)
    {
        RequireText(source, "diskName", path, errors);
        if (source.Text("diskURI").Length == 0)
        {
            errors.Add(Err.Required(path + ".diskURI"));
        }

        if (source.TextOrNull("cachingMode") is { } mode && mode is not ("None" or "ReadOnly" or "ReadWrite"))
        {
            errors.Add(Err.NotSupported(path + ".cachingMode", mode, "None", "ReadOnly", "ReadWrite"));
        }

        if (source.TextOrNull("kind") is { } kind && kind is not ("Dedicated" or "Managed" or "Shared"))
        {
            errors.Add(Err.NotSupported(path + ".kind", kind, "Dedicated", "Managed", "Shared"));
        }
    }

    private static void StorageOs(JsonObject source, string path, string name, PodContext ctx, List<FieldError> errors)
    {
        var volumeName = source.Text("volumeName");
        if (volumeName.Length == 0)
        {
            errors.Add(Err.Required(path + ".volumeName"));
        }
        else
        {
            Err.InvalidEach(errors, path + ".volumeName", volumeName, Formats.Dns1123Label(volumeName));
        }

        var ns = source.Text("volumeNamespace");
        if (ns.Length > 0)
        {
            Err.InvalidEach(errors, path + ".volumeNamespace", ns, Formats.Dns1123Label(ns));
        }

        SecretRefName(source, path, errors);
    }

    private static void Csi(JsonObject source, string path, string name, PodContext ctx, List<FieldError> errors)
    {
        CsiDriverName(source.Text("driver"), path + ".driver", errors);
        if (source["nodePublishSecretRef"] is JsonObject secretRef)
        {
            var secretName = secretRef.Text("name");
            if (secretName.Length == 0)
            {
                errors.Add(Err.Required(path + ".nodePublishSecretRef.name"));
            }
            else
            {
                Err.InvalidEach(errors, path + ".name", secretName, Formats.Dns1123Subdomain(secretName));
            }
        }
    }

    public static void CsiDriverName(string driver, string path, List<FieldError> errors)
    {
        if (driver.Length == 0)
        {
            errors.Add(Err.Required(path));
        }

        if (driver.Length > 63)
        {
            errors.Add(Err.TooLong(path, 63));
        }

        Err.InvalidEach(errors, path, driver, Formats.Dns1123Subdomain(driver.ToLowerInvariant()));
    }

    private static void Ephemeral(JsonObject source, string path, string name, PodContext ctx, List<FieldError> errors)
    {
        if (source["volumeClaimTemplate"] is not JsonObject template)
        {
            errors.Add(Err.Required(path + ".volumeClaimTemplate"));
            return;
        }

        var tp = path + ".volumeClaimTemplate";
        var meta = template.Obj("metadata");
        Labels.ValidateAnnotations(meta?["annotations"], tp + ".metadata.annotations", errors);
        Labels.ValidateLabels(meta?["labels"], tp + ".metadata.labels", errors);
        foreach (var (key, value) in meta ?? [])
        {
            if (key is not ("labels" or "annotations") && value is not null)
            {
                errors.Add(Err.Forbidden($"{tp}.metadata.{key}", "cannot be set"));
            }
        }

        PersistentVolumeClaimValidator.ValidateSpec(template.Obj("spec") ?? [], tp + ".spec", errors);
    }

    private static void Image(JsonObject source, string path, string name, PodContext ctx, List<FieldError> errors)
    {
        if (ctx.IsPod && source.Text("reference").Length == 0)
        {
            errors.Add(Err.Required(path + ".reference"));
        }

        ContainerValidator.PullPolicy(source.Text("pullPolicy"), path + ".pullPolicy", errors);
    }

    private static readonly string[] VolumeFieldPaths = ["metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"];

    private static void DownwardApi(JsonObject source, string path, string name, PodContext ctx, List<FieldError> errors)
    {
        Paths.FileMode(source.Num("defaultMode"), path + ".defaultMode", errors);
        foreach (var file in source.List("items"))
        {
            DownwardApiFile(file as JsonObject ?? [], path, errors);
        }
    }

    private static void DownwardApiFile(JsonObject file, string path, List<FieldError> errors)
    {
        RequireText(file, "path", path, errors);
        Paths.LocalNonReserved(file.Text("path"), path + ".path", errors);
        if (file["fieldRef"] is JsonObject fieldRef)
        {
            ContainerValidator.ObjectFieldSelector(fieldRef, VolumeFieldPaths, path + ".fieldRef", errors);
            if (file.IsSet("resourceFieldRef"))
            {
                errors.Add(Err.Invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
            }
        }
        else if (file["resourceFieldRef"] is JsonObject resourceFieldRef)
        {
            ContainerValidator.ResourceFieldSelector(resourceFieldRef, path + ".resourceFieldRef", volume: true, errors);
        }
        else
        {
            errors.Add(Err.Required(path, "one of fieldRef and resourceFieldRef is required"));
        }

        Paths.FileMode(file.Num("mode"), path + ".mode", errors);
    }

    private static void Projected(JsonObject source, string path, string name, PodContext ctx, List<FieldError> errors)
    {
        Paths.FileMode(source.Num("defaultMode"), path + ".defaultMode", errors);
        var allPaths = new HashSet<string>(StringComparer.Ordinal);
        var sources = source.List("sources");
        for (var i = 0; i < sources.Count; i++)
        {
            var src = sources[i] as JsonObject ?? [];
            var srcPath = $"{path}.sources[{i}]";
            var num = 0;
            foreach (var kind in new[] { "secret", "configMap" })
            {
                if (src[kind] is not JsonObject projection)
                {
                    continue;
                }

                num++;
                var pp = $"{srcPath}.{kind}";
                RequireText(projection, "name", pp, errors);
                var items = projection.List("items");
                for (var j = 0; j < items.Count; j++)
                {
                    var item = items[j] as JsonObject ?? [];
                    KeyToPath(item, $"{pp}.items[{j}]", errors);
                    var itemPath = item.Text("path");
                    if (itemPath.Length > 0 && !allPaths.Add(itemPath))
                    {
                        errors.Add(Err.Invalid(path, projection.Text("name"), "conflicting duplicate paths"));
                    }
                }
            }

            if (src["downwardAPI"] is JsonObject downward)
            {
                num++;
                foreach (var file in downward.List("items"))
                {
                    var f = file as JsonObject ?? [];
                    DownwardApiFile(f, srcPath + ".downwardAPI", errors);
                    var filePath = f.Text("path");
                    if (filePath.Length > 0 && !allPaths.Add(filePath))
                    {
                        errors.Add(Err.Invalid(path, filePath, "conflicting duplicate paths"));
                    }
                }
            }

            if (src["serviceAccountToken"] is JsonObject token)
            {
                num++;
                var tp = srcPath + ".serviceAccountToken";
                if (token.Num("expirationSeconds") is { } seconds)
                {
                    if (seconds < 600)
                    {
                        errors.Add(Err.Invalid(tp + ".expirationSeconds", seconds, "may not specify a duration less than 10 minutes"));
                    }

                    if (seconds > 1L << 32)
                    {
                        errors.Add(Err.Invalid(tp + ".expirationSeconds", seconds, "may not specify a duration larger than 2^32 seconds"));
                    }
                }

                var tokenPath = token.Text("path");
                if (tokenPath.Length == 0)
                {
                    errors.Add(Err.Required(path + ".path"));
                }
                else
                {
                    Paths.LocalNonReserved(tokenPath, path + ".path", errors);
                }
            }

            if (src["clusterTrustBundle"] is JsonObject bundle)
            {
                num++;
                var bp = srcPath + ".clusterTrustBundle";
                var usingName = bundle.IsSet("name");
                var usingSigner = bundle.IsSet("signerName");
                if (usingName && usingSigner)
                {
                    errors.Add(Err.Invalid(bp, Js.Render(bundle), "only one of name and signerName may be used"));
                }
                else if (usingName && bundle.Text("name").Length == 0)
                {
                    errors.Add(Err.Required(bp + ".name", "must be a valid object name"));
                }
                else if (usingSigner && bundle.Text("signerName").Length == 0)
                {
                    errors.Add(Err.Required(bp + ".signerName", "must be a valid signer name"));
                }
                else if (!usingName && !usingSigner)
                {
                    errors.Add(Err.Required(bp, "either name or signerName must be specified"));
                }

                var bundlePath = bundle.Text("path");
                if (bundlePath.Length == 0)
                {
                    errors.Add(Err.Required(bp + ".path"));
                }

                Paths.LocalNonReserved(bundlePath, bp + ".path", errors);
                if (!allPaths.Add(bundlePath))
                {
                    errors.Add(Err.Invalid(path, bundlePath, "conflicting duplicate paths"));
                }
            }

            if (num > 1)
            {
                errors.Add(Err.Forbidden(srcPath, "may not specify more than 1 volume type per source"));
            }
        }
    }
}
