using System.Text.Json.Nodes;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>core/v1 PersistentVolumeClaim: ValidatePersistentVolumeClaimSpec and the update rules.</summary>
public static class PersistentVolumeClaimValidator
{
    private const string StorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    public static List<FieldError> Validate(JsonObject obj, JsonObject? old)
    {
        var errors = new List<FieldError>();
        var spec = obj.Obj("spec") ?? [];
        ValidateSpec(spec, "spec", errors);
        if (old is not null)
        {
            ValidateUpdate(obj, old, errors);
        }

        return errors;
    }

    public static void ValidateSpec(JsonObject spec, string path, List<FieldError> errors)
    {
        if (spec.List("accessModes").Count == 0)
        {
            errors.Add(Err.Required(path + ".accessModes", "at least 1 access mode is required"));
        }

        if (spec["selector"] is JsonObject selector)
        {
            Labels.ValidateLabelSelector(selector, path + ".selector", errors);
        }

        PersistentVolumeValidator.ValidateAccessModes(spec, path + ".accessModes", null, errors);

        var storagePath = path + ".resources[storage]";
        var requests = spec.Obj("resources").Obj("requests");
        if (requests is null || !requests.TryGetPropertyValue("storage", out var storage))
        {
            errors.Add(Err.Required(storagePath));
        }
        else if (!Quantity.TryRead(storage, out var q))
        {
            errors.Add(Err.Invalid(storagePath, Js.AsText(storage) ?? "null", Quantity.FormatError));
        }
        else if (q.Sign <= 0)
        {
            errors.Add(Err.Invalid(storagePath, q.Text, "must be greater than zero"));
        }

        if (spec.TextOrNull("storageClassName") is { Length: > 0 } className)
        {
            Err.InvalidEach(errors, path + ".storageClassName", className, Formats.Dns1123Subdomain(className));
        }

        if (spec.TextOrNull("volumeMode") is { } mode && mode is not ("Block" or "Filesystem"))
        {
            errors.Add(Err.NotSupported(path + ".volumeMode", mode, "Block", "Filesystem"));
        }

        if (spec["dataSource"] is JsonObject dataSource)
        {
            DataSource(dataSource, path + ".dataSource", errors);
        }

        if (spec["dataSourceRef"] is JsonObject dataSourceRef)
        {
            DataSource(dataSourceRef, path + ".dataSourceRef", errors);
            if (dataSourceRef.TextOrNull("namespace") is { Length: > 0 } ns)
            {
                Err.InvalidEach(errors, path + ".dataSourceRef.namespace", ns, Formats.Dns1123Label(ns));
            }
        }

        var refNamespace = spec.Obj("dataSourceRef").Text("namespace");
        if (refNamespace.Length > 0)
        {
            if (spec.IsSet("dataSource"))
            {
                errors.Add(Err.Invalid(path, path + ".dataSource", "may not be specified when dataSourceRef.namespace is specified"));
            }
        }
        else if (spec["dataSource"] is JsonObject ds && spec["dataSourceRef"] is JsonObject dsr
            && (ds.TextOrNull("apiGroup") != dsr.TextOrNull("apiGroup") || ds.Text("kind") != dsr.Text("kind") || ds.Text("name") != dsr.Text("name")))
        {
            errors.Add(Err.Invalid(path, path + ".dataSource", "must match dataSourceRef"));
        }

        if (spec.TextOrNull("volumeAttributesClassName") is { Length: > 0 } vac)
        {
            Err.InvalidEach(errors, path + ".volumeAttributesClassName", vac, Formats.Dns1123Subdomain(vac));
        }
    }

    private static void DataSource(JsonObject source, string path, List<FieldError> errors)
    {
        if (source.Text("name").Length == 0)
        {
            errors.Add(Err.Required(path + ".name"));
        }

        var kind = source.Text("kind");
        if (kind.Length == 0)
        {
            errors.Add(Err.Required(path + ".kind"));
        }

        var apiGroup = source.Text("apiGroup");
        if (apiGroup.Length == 0 && kind != "PersistentVolumeClaim")
        {
            errors.Add(Err.Invalid(path, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
        }

        if (apiGroup.Length > 0)
        {
            Err.InvalidEach(errors, path + ".apiGroup", apiGroup, Formats.Dns1123Subdomain(apiGroup));
        }
    }

    private static void ValidateUpdate(JsonObject obj, JsonObject old, List<FieldError> errors)
    {
        var spec = Js.Clone(obj.Obj("spec"));
        var oldSpec = Js.Clone(old.Obj("spec"));
        if (oldSpec.Text("volumeName").Length == 0)
        {
            oldSpec["volumeName"] = spec["volumeName"]?.DeepClone();
        }

        var oldAnnotation = old.Obj("metadata").Obj("annotations")?.TextOrNull(StorageClassAnnotation);
        var newAnnotation = obj.Obj("metadata").Obj("annotations")?.TextOrNull(StorageClassAnnotation);
        var oldClass = oldSpec.TextOrNull("storageClassName");
        var newClass = spec.TextOrNull("storageClassName");
        if (oldAnnotation is not null && oldClass is null && newClass == oldAnnotation && (newAnnotation is null || newAnnotation == oldAnnotation))
        {
            spec.Remove("storageClassName");
        }
        else
        {
            if ((newAnnotation ?? "") != (oldAnnotation ?? ""))
            {
                errors.Add(Err.ImmutableField($"metadata.annotations.{StorageClassAnnotation}", newAnnotation ?? ""));
            }

            if (newClass is not null && oldClass is null && (oldAnnotation is null || newClass == oldAnnotation))
            {
                spec.Remove("storageClassName");
            }
        }

        var phase = obj.Obj("status").TextOrNull("phase") ?? old.Obj("status").Text("phase");
        var oldSize = Storage(old.Obj("spec"));
        var newSize = Storage(obj.Obj("spec"));
        if (phase == "Bound")
        {
            if (spec.Obj("resources").Obj("requests") is { } requests)
            {
                requests["storage"] = oldSpec.Obj("resources").Obj("requests")?["storage"]?.DeepClone();
            }

            if (spec.IsSet("volumeAttributesClassName"))
            {
                spec["volumeAttributesClassName"] = oldSpec["volumeAttributesClassName"]?.DeepClone();
            }
        }

        if (!Js.Same(spec, oldSpec))
        {
            errors.Add(Err.Forbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
        }

        if (newSize is { } n && oldSize is { } o && n.Value < o.Value)
        {
            var capacity = Quantity.TryRead(old.Obj("status").Obj("capacity")?["storage"], out var c) ? c.Value : 0m;
            if (n.Value <= capacity)
            {
                errors.Add(Err.Forbidden("spec.resources.requests.storage", "field can not be less than status.capacity"));
            }
        }

        if (obj.Obj("spec").TextOrNull("volumeMode") != old.Obj("spec").TextOrNull("volumeMode") && old.Obj("spec").IsSet("volumeMode"))
        {
            errors.Add(Err.ImmutableField("volumeMode", obj.Obj("spec").TextOrNull("volumeMode")));
        }

        if (old.Obj("spec").TextOrNull("volumeAttributesClassName") is not null)
        {
            var vac = obj.Obj("spec").TextOrNull("volumeAttributesClassName");
            if (vac is null)
            {
                errors.Add(Err.Forbidden("spec.volumeAttributesClassName", "update from non-nil value to nil is forbidden"));
            }
            else if (vac.Length == 0)
            {
                errors.Add(Err.Forbidden("spec.volumeAttributesClassName", "update from non-nil value to an empty string is forbidden"));
            }
        }
    }

    private static Quantity? Storage(JsonObject? spec) =>
        Quantity.TryRead(spec.Obj("resources").Obj("requests")?["storage"], out var q) ? q : null;
}
