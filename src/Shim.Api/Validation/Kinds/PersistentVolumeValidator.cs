using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>core/v1 PersistentVolume: access modes, capacity, exactly one source, and the immutable source.</summary>
public static class PersistentVolumeValidator
{
    public static readonly string[] AccessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

    /// <summary>PV sources in upstream order with the rule for each.</summary>
    private static readonly (string Key, string ChildName, Action<JsonObject, string, List<FieldError>> Rule)[] Sources =
    [
        ("hostPath", "hostPath", VolumeValidator.HostPath),
        ("gcePersistentDisk", "persistentDisk", (s, p, e) => Require(s, "pdName", p, e)),
        ("awsElasticBlockStore", "awsElasticBlockStore", (s, p, e) => Require(s, "volumeID", p, e)),
        ("glusterfs", "glusterfs", Glusterfs),
        ("flocker", "flocker", (s, p, e) => { }),
        ("nfs", "nfs", VolumeValidator.Nfs),
        ("rbd", "rbd", (s, p, e) => { RequireList(s, "monitors", p, e); Require(s, "image", p, e); }),
        ("quobyte", "quobyte", (s, p, e) => Require(s, "volume", p, e)),
        ("cephfs", "cephfs", (s, p, e) => RequireList(s, "monitors", p, e)),
        ("iscsi", "iscsi", (s, p, e) => { Require(s, "targetPortal", p, e); Require(s, "iqn", p, e); }),
        ("cinder", "cinder", (s, p, e) => Require(s, "volumeID", p, e)),
        ("fc", "fc", VolumeValidator.Fc),
        ("flexVolume", "flexVolume", VolumeValidator.Flex),
        ("azureFile", "azureFile", (s, p, e) => { Require(s, "secretName", p, e); Require(s, "shareName", p, e); }),
        ("vsphereVolume", "vsphereVolume", (s, p, e) => Require(s, "volumePath", p, e)),
        ("photonPersistentDisk", "photonPersistentDisk", (s, p, e) => Require(s, "pdID", p, e)),
        ("portworxVolume", "portworxVolume", (s, p, e) => Require(s, "volumeID", p, e)),
        ("azureDisk", "azureDisk", VolumeValidator.AzureDisk),
        ("scaleIO", "scaleIO", (s, p, e) => { Require(s, "gateway", p, e); Require(s, "system", p, e); Require(s, "volumeName", p, e); }),
        ("local", "local", Local),
        ("storageos", "storageos", (s, p, e) => Require(s, "volumeName", p, e)),
        ("csi", "csi", Csi),
    ];

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        ValidateAccessModes(spec, "spec.accessModes", "", errors);
        var capacity = spec.Obj("capacity");
        if (capacity is null || capacity.Count == 0)
        {
            errors.Add(Err.Required("spec.capacity"));
        }

        if (capacity?.ContainsKey("storage") != true || capacity.Count > 1)
        {
            errors.Add(Err.NotSupported("spec.capacity", Js.RenderMap(capacity), "storage"));
        }

        foreach (var (name, value) in capacity ?? [])
        {
            var p = $"spec.capacity[{name}]";
            if (Quantity.TryRead(value, out var q))
            {
                if (q.Sign <= 0)
                {
                    errors.Add(Err.Invalid(p, q.Text, "must be greater than zero"));
                }
            }
            else
            {
                errors.Add(Err.Invalid(p, Js.AsText(value) ?? "null", Quantity.FormatError));
            }
        }

        var reclaim = spec.Text("persistentVolumeReclaimPolicy");
        if (reclaim.Length > 0 && reclaim is not ("Delete" or "Recycle" or "Retain"))
        {
            errors.Add(Err.NotSupported("spec.persistentVolumeReclaimPolicy", reclaim, "Delete", "Recycle", "Retain"));
        }

        var nodeAffinitySpecified = false;
        if (spec["nodeAffinity"] is JsonObject nodeAffinity)
        {
            nodeAffinitySpecified = true;
            if (nodeAffinity["required"] is JsonObject required)
            {
                PodSpecValidator.NodeSelector(required, "spec.nodeAffinity.required", errors);
            }
            else
            {
                errors.Add(Err.Required("spec.nodeAffinity.required", "must specify required node constraints"));
            }
        }

        var count = 0;
        foreach (var (key, child, rule) in Sources)
        {
            if (spec[key] is not JsonObject source)
            {
                continue;
            }

            if (count > 0 && key != "flexVolume")
            {
                errors.Add(Err.Forbidden("spec." + (key == "cephfs" ? "cephFS" : key), "may not specify more than 1 volume type"));
                continue;
            }

            count++;
            rule(source, "spec." + child, errors);
            if (key == "local" && !nodeAffinitySpecified)
            {
                errors.Add(Err.Required("spec.nodeAffinity", "Local volume requires node affinity"));
            }
        }

        if (count == 0)
        {
            errors.Add(Err.Required("spec", "must specify a volume type"));
        }

        var hostPath = spec.Obj("hostPath").Text("path");
        if (spec.IsSet("hostPath") && hostPath.Length > 0 && hostPath.Split('/').All(part => part is "" or ".") && reclaim == "Recycle")
        {
            errors.Add(Err.Forbidden("spec.persistentVolumeReclaimPolicy", "may not be 'recycle' for a hostPath mount of '/'"));
        }

        var className = spec.Text("storageClassName");
        if (className.Length > 0)
        {
            Err.InvalidEach(errors, "spec.storageClassName", className, Formats.Dns1123Subdomain(className));
        }

        if (spec.TextOrNull("volumeMode") is { } mode && mode is not ("Block" or "Filesystem"))
        {
            errors.Add(Err.NotSupported("spec.volumeMode", mode, "Block", "Filesystem"));
        }

        if (spec.TextOrNull("volumeAttributesClassName") is { } vac)
        {
            if (vac.Length == 0)
            {
                errors.Add(Err.Required("spec.volumeAttributesClassName", "an empty string is disallowed"));
            }
            else
            {
                Err.InvalidEach(errors, "spec.volumeAttributesClassName", vac, Formats.Dns1123Subdomain(vac));
            }

            if (!spec.IsSet("csi"))
            {
                errors.Add(Err.Required("spec.csi", "has to be specified when using volumeAttributesClassName"));
            }
        }

        if (old is not null)
        {
            ValidateUpdate(spec, old.Obj("spec") ?? [], errors);
        }

        return errors;
    }

    /// <summary>Access modes must be known and ReadWriteOncePod exclusive; a null detail skips the required check.</summary>
    public static void ValidateAccessModes(JsonObject spec, string path, string? requiredDetail, List<FieldError> errors)
    {
        var modes = spec.List("accessModes").Select(m => Js.AsText(m) ?? "").ToList();
        if (modes.Count == 0 && requiredDetail is not null)
        {
            errors.Add(Err.Required(path, requiredDetail));
        }

        bool rwop = false, other = false;
        foreach (var mode in modes)
        {
            if (!AccessModes.Contains(mode))
            {
                errors.Add(Err.NotSupported(path, mode, AccessModes));
            }

            if (mode == "ReadWriteOncePod")
            {
                rwop = true;
            }
            else if (AccessModes.Contains(mode))
            {
                other = true;
            }
        }

        if (rwop && other)
        {
            errors.Add(Err.Forbidden(path, "may not use ReadWriteOncePod with other access modes"));
        }
    }

    private static void ValidateUpdate(JsonObject spec, JsonObject oldSpec, List<FieldError> errors)
    {
        var now = new JsonObject();
        var before = new JsonObject();
        foreach (var (key, _, _) in Sources)
        {
            now[key] = spec[key]?.DeepClone();
            before[key] = oldSpec[key]?.DeepClone();
        }

        if (oldSpec.Obj("csi") is { } oldCsi && !oldCsi.IsSet("controllerExpandSecretRef") && now.Obj("csi") is { } newCsi)
        {
            newCsi.Remove("controllerExpandSecretRef");
        }

        if (!Js.Same(now, before))
        {
            errors.Add(Err.Forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation"));
        }

        if (spec.TextOrNull("volumeMode") != oldSpec.TextOrNull("volumeMode") && oldSpec.IsSet("volumeMode"))
        {
            errors.Add(Err.ImmutableField("volumeMode", spec.TextOrNull("volumeMode")));
        }

        if (oldSpec["nodeAffinity"] is not null && !Js.Same(spec["nodeAffinity"], oldSpec["nodeAffinity"]))
        {
            errors.Add(Err.Invalid("nodeAffinity", Js.Render(spec["nodeAffinity"]), Err.Immutable + ", except for updating from beta label to GA"));
        }

        if (oldSpec.IsSet("volumeAttributesClassName") && !spec.IsSet("volumeAttributesClassName"))
        {
            errors.Add(Err.Forbidden("spec.volumeAttributesClassName", "update from non-nil value to nil is forbidden"));
        }
    }

    private static void Require(JsonObject source, string key, string path, List<FieldError> errors)
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

    private static void Glusterfs(JsonObject source, string path, List<FieldError> errors)
    {
        Require(source, "endpoints", path, errors);
        Require(source, "path", path, errors);
        if (source.TextOrNull("endpointsNamespace") is { } ns)
        {
            if (ns.Length == 0)
            {
                errors.Add(Err.Invalid(path + ".endpointsNamespace", ns, "if the endpointnamespace is set, it must be a valid namespace name"));
            }
            else
            {
                Err.InvalidEach(errors, path + ".endpointsNamespace", ns, Formats.Dns1123Label(ns));
            }
        }
    }

    private static void Local(JsonObject source, string path, List<FieldError> errors)
    {
        var p = source.Text("path");
        if (p.Length == 0)
        {
            errors.Add(Err.Required(path + ".path"));
            return;
        }

        Paths.NoBacksteps(p, path + ".path", errors);
    }

    private static void Csi(JsonObject source, string path, List<FieldError> errors)
    {
        VolumeValidator.CsiDriverName(source.Text("driver"), path + ".driver", errors);
        Require(source, "volumeHandle", path, errors);
        foreach (var refName in new[] { "controllerPublishSecretRef", "controllerExpandSecretRef", "nodePublishSecretRef", "nodeExpandSecretRef" })
        {
            if (source[refName] is not JsonObject secretRef)
            {
                continue;
            }

            var p = $"{path}.{refName}";
            var name = secretRef.Text("name");
            if (name.Length == 0)
            {
                errors.Add(Err.Required(p + ".name"));
            }
            else
            {
                Err.InvalidEach(errors, p + ".name", name, Formats.Dns1123Subdomain(name));
            }

            var ns = secretRef.Text("namespace");
            if (ns.Length == 0)
            {
                errors.Add(Err.Required(p + ".namespace"));
            }
            else
            {
                Err.InvalidEach(errors, p + ".namespace", ns, Formats.Dns1123Label(ns));
            }
        }
    }
}
