using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>
/// Defaults of a PodSpec wherever one appears (pods and every pod template): the spec's own defaults, its
/// containers, probes, lifecycle hooks, environment and volumes. Pod-only defaults live in <see cref="PodDefaults"/>.
/// </summary>
internal static class PodSpecDefaults
{
    private const long DefaultTerminationGracePeriodSeconds = 30;
    private const long DefaultFileMode = 420; // 0644
    private const long DefaultTokenExpirationSeconds = 3600;

    /// <summary>The keys of a volume's source; a volume with none of them gets an emptyDir.</summary>
    private static readonly string[] VolumeSources =
    [
        "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "configMap", "csi", "downwardAPI", "emptyDir",
        "ephemeral", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "hostPath", "image", "iscsi",
        "nfs", "persistentVolumeClaim", "photonPersistentDisk", "portworxVolume", "projected", "quobyte", "rbd", "scaleIO",
        "secret", "storageos", "vsphereVolume",
    ];

    /// <summary>Defaults of a PodTemplateSpec held in a non-pointer field (the template and its spec always exist).</summary>
    public static void ApplyTemplateField(JsonObject parent, string key)
    {
        var template = Fields.Struct(parent, key);
        if (template is not null)
        {
            ApplyTemplate(template);
        }
    }

    public static void ApplyTemplate(JsonObject template)
    {
        var spec = Fields.Struct(template, "spec");
        if (spec is not null)
        {
            Apply(spec);
        }
    }

    public static void Apply(JsonObject spec)
    {
        Fields.DefaultString(spec, "dnsPolicy", "ClusterFirst");
        Fields.DefaultString(spec, "restartPolicy", "Always");
        Fields.DefaultPointer(spec, "securityContext", () => new JsonObject());
        Fields.DefaultPointer(spec, "terminationGracePeriodSeconds", DefaultTerminationGracePeriodSeconds);
        Fields.DefaultString(spec, "schedulerName", "default-scheduler");
        AliasServiceAccount(spec);

        foreach (var volume in Fields.Items(spec, "volumes"))
        {
            Volume(volume);
        }

        foreach (var container in Fields.Items(spec, "initContainers")
                     .Concat(Fields.Items(spec, "containers"))
                     .Concat(Fields.Items(spec, "ephemeralContainers")))
        {
            Container(container);
        }

        ResourceLists.RoundUpToMilli(spec["overhead"]);
        ResourceLists.RoundUpRequirements(Fields.Obj(spec, "resources"));
    }

    /// <summary>
    /// serviceAccount is the deprecated alias of serviceAccountName: it fills serviceAccountName when that is empty,
    /// and is always written back as a copy of it.
    /// </summary>
    private static void AliasServiceAccount(JsonObject spec)
    {
        var name = Fields.Str(spec, "serviceAccountName");
        var deprecated = Fields.Str(spec, "serviceAccount");
        if (Fields.IsEmptyString(spec, "serviceAccountName") && !string.IsNullOrEmpty(deprecated))
        {
            spec["serviceAccountName"] = deprecated;
            name = deprecated;
        }

        if (!string.IsNullOrEmpty(name) && (deprecated != name || Fields.IsEmptyString(spec, "serviceAccount")))
        {
            spec["serviceAccount"] = name;
        }
    }

    private static void Container(JsonObject container)
    {
        if (Fields.IsEmptyString(container, "imagePullPolicy"))
        {
            container["imagePullPolicy"] = ImageReference.DefaultPullPolicy(Fields.Str(container, "image"));
        }

        Fields.DefaultString(container, "terminationMessagePath", "/dev/termination-log");
        Fields.DefaultString(container, "terminationMessagePolicy", "File");

        foreach (var port in Fields.Items(container, "ports"))
        {
            Fields.DefaultString(port, "protocol", "TCP");
        }

        foreach (var env in Fields.Items(container, "env"))
        {
            var source = Fields.Obj(env, "valueFrom");
            if (Fields.Obj(source, "fieldRef") is { } fieldRef)
            {
                ObjectFieldSelector(fieldRef);
            }

            if (Fields.Obj(source, "fileKeyRef") is { } fileKeyRef)
            {
                Fields.DefaultPointer(fileKeyRef, "optional", false);
            }
        }

        ResourceLists.RoundUpRequirements(Fields.Obj(container, "resources"));

        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (Fields.Obj(container, probe) is { } p)
            {
                Probe(p);
            }
        }

        var lifecycle = Fields.Obj(container, "lifecycle");
        foreach (var hook in new[] { "postStart", "preStop" })
        {
            if (Fields.Obj(Fields.Obj(lifecycle, hook), "httpGet") is { } httpGet)
            {
                HttpGet(httpGet);
            }
        }
    }

    private static void Probe(JsonObject probe)
    {
        Fields.DefaultNumber(probe, "timeoutSeconds", 1);
        Fields.DefaultNumber(probe, "periodSeconds", 10);
        Fields.DefaultNumber(probe, "successThreshold", 1);
        Fields.DefaultNumber(probe, "failureThreshold", 3);
        if (Fields.Obj(probe, "httpGet") is { } httpGet)
        {
            HttpGet(httpGet);
        }

        if (Fields.Obj(probe, "grpc") is { } grpc)
        {
            Fields.DefaultPointer(grpc, "service", "");
        }
    }

    private static void HttpGet(JsonObject action)
    {
        Fields.DefaultString(action, "path", "/");
        Fields.DefaultString(action, "scheme", "HTTP");
    }

    private static void ObjectFieldSelector(JsonObject selector) => Fields.DefaultString(selector, "apiVersion", "v1");

    private static void Volume(JsonObject volume)
    {
        if (!VolumeSources.Any(source => volume[source] is not null))
        {
            volume["emptyDir"] = new JsonObject();
        }

        if (Fields.Obj(volume, "image") is { } image && Fields.IsEmptyString(image, "pullPolicy"))
        {
            image["pullPolicy"] = ImageReference.DefaultPullPolicy(Fields.Str(image, "reference"));
        }

        if (Fields.Obj(volume, "hostPath") is { } hostPath)
        {
            HostPath(hostPath);
        }

        if (Fields.Obj(volume, "secret") is { } secret)
        {
            Fields.DefaultPointer(secret, "defaultMode", DefaultFileMode);
        }

        if (Fields.Obj(volume, "configMap") is { } configMap)
        {
            Fields.DefaultPointer(configMap, "defaultMode", DefaultFileMode);
        }

        if (Fields.Obj(volume, "downwardAPI") is { } downwardApi)
        {
            Fields.DefaultPointer(downwardApi, "defaultMode", DefaultFileMode);
            DownwardApiItems(downwardApi);
        }

        if (Fields.Obj(volume, "projected") is { } projected)
        {
            Fields.DefaultPointer(projected, "defaultMode", DefaultFileMode);
            foreach (var source in Fields.Items(projected, "sources"))
            {
                if (Fields.Obj(source, "downwardAPI") is { } projection)
                {
                    DownwardApiItems(projection);
                }

                if (Fields.Obj(source, "serviceAccountToken") is { } token)
                {
                    Fields.DefaultPointer(token, "expirationSeconds", DefaultTokenExpirationSeconds);
                }
            }
        }

        if (Fields.Obj(Fields.Obj(volume, "ephemeral"), "volumeClaimTemplate") is { } claimTemplate &&
            Fields.Struct(claimTemplate, "spec") is { } claimSpec)
        {
            PersistentVolumeDefaults.ClaimSpec(claimSpec);
        }

        InTreeSources(volume);
    }

    /// <summary>Declarative (+default) values of in-tree volume sources shared by pod volumes and persistent volumes.</summary>
    internal static void InTreeSources(JsonObject source)
    {
        if (Fields.Obj(source, "iscsi") is { } iscsi)
        {
            Fields.DefaultString(iscsi, "iscsiInterface", "default");
        }

        if (Fields.Obj(source, "rbd") is { } rbd)
        {
            Fields.DefaultString(rbd, "pool", "rbd");
            Fields.DefaultString(rbd, "user", "admin");
            Fields.DefaultString(rbd, "keyring", "/etc/ceph/keyring");
        }

        if (Fields.Obj(source, "azureDisk") is { } azureDisk)
        {
            Fields.DefaultPointer(azureDisk, "cachingMode", "ReadWrite");
            Fields.DefaultPointer(azureDisk, "fsType", "ext4");
            Fields.DefaultPointer(azureDisk, "readOnly", false);
            Fields.DefaultPointer(azureDisk, "kind", "Shared");
        }

        if (Fields.Obj(source, "scaleIO") is { } scaleIo)
        {
            Fields.DefaultString(scaleIo, "storageMode", "ThinProvisioned");
            Fields.DefaultString(scaleIo, "fsType", "xfs");
        }
    }

    internal static void HostPath(JsonObject hostPath) => Fields.DefaultPointer(hostPath, "type", "");

    private static void DownwardApiItems(JsonObject source)
    {
        foreach (var item in Fields.Items(source, "items"))
        {
            if (Fields.Obj(item, "fieldRef") is { } fieldRef)
            {
                ObjectFieldSelector(fieldRef);
            }
        }
    }
}
