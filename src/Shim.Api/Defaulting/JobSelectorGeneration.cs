using System.Text.Json.Nodes;

namespace Shim.Api.Defaulting;

/// <summary>
/// The selector upstream's job strategy generates at create time (generateSelector) unless spec.manualSelector is
/// true: the pod template gets the job-name and controller-uid labels (legacy and batch.kubernetes.io/ forms) and the
/// selector matches batch.kubernetes.io/controller-uid. Labels the user already set are kept, so a conflicting value
/// is rejected by validation as upstream. Needs the uid, so it runs after the registry assigned one; it only fills
/// what is missing, so running it again on an update changes nothing.
/// </summary>
internal static class JobSelectorGeneration
{
    private static readonly string[] NameLabels = ["job-name", "batch.kubernetes.io/job-name"];
    private static readonly string[] UidLabels = ["controller-uid", "batch.kubernetes.io/controller-uid"];
    private const string SelectorLabel = "batch.kubernetes.io/controller-uid";

    public static void Apply(JsonObject job)
    {
        var metadata = Fields.Obj(job, "metadata");
        var uid = Fields.Str(metadata, "uid");
        var name = Fields.Str(metadata, "name");
        if (string.IsNullOrEmpty(uid) || name is null || Fields.Struct(job, "spec") is not { } spec || Fields.IsTrue(spec, "manualSelector"))
        {
            return;
        }

        if (Fields.Struct(spec, "template") is not { } template || Fields.Struct(template, "metadata") is not { } templateMeta ||
            Fields.Struct(templateMeta, "labels") is not { } labels)
        {
            return;
        }

        foreach (var key in NameLabels)
        {
            if (!labels.ContainsKey(key))
            {
                labels[key] = name;
            }
        }

        foreach (var key in UidLabels)
        {
            if (!labels.ContainsKey(key))
            {
                labels[key] = uid;
            }
        }

        if (Fields.Struct(spec, "selector") is { } selector && Fields.Struct(selector, "matchLabels") is { } matchLabels && !matchLabels.ContainsKey(SelectorLabel))
        {
            matchLabels[SelectorLabel] = uid;
        }

        // Upstream defaults a Job's empty labels from its template again whenever it is read back, after the
        // strategy added the generated labels; copying them here once gives what a client reads there.
        CoreDefaults.CopyLabelsWhenEmpty(job, labels);
    }
}
