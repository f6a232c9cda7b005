using Xunit;

namespace Shim.Api.Tests.Defaulting;

/// <summary>Defaults of the kinds that carry pod templates: apps/v1, batch/v1, ReplicationController and PodTemplate.</summary>
public sealed class WorkloadDefaultingTests
{
    /// <summary>The defaulted pod template every case below starts from (no enableServiceLinks: that is Pod-only).</summary>
    private const string Template =
        """
        {"metadata":{"labels":{"app":"web"}},
         "spec":{"containers":[{"name":"c","image":"nginx:1.25","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
                 "dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}
        """;

    private const string BareTemplate = """{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"nginx:1.25"}]}}""";

    /// <summary>Expands %TEMPLATE% (the defaulted template) and %BARE% (the template as sent).</summary>
    private static string T(string json) => json.Replace("%TEMPLATE%", Template, StringComparison.Ordinal).Replace("%BARE%", BareTemplate, StringComparison.Ordinal);

    public static TheoryData<string, string, string, string, string> Cases => new()
    {
        {
            "deployment", "apps", "deployments",
            T("""{"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":%BARE%}}"""),
            T("""
            {"metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":%TEMPLATE%,
             "replicas":1,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
             "revisionHistoryLimit":10,"progressDeadlineSeconds":600}}
            """)
        },
        {
            "deployment: partial rolling update and user values", "apps", "deployments",
            T("""{"spec":{"replicas":0,"revisionHistoryLimit":0,"progressDeadlineSeconds":60,"strategy":{"rollingUpdate":{"maxSurge":0}},"template":%TEMPLATE%}}"""),
            T("""{"spec":{"replicas":0,"revisionHistoryLimit":0,"progressDeadlineSeconds":60,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":0,"maxUnavailable":"25%"}},"template":%TEMPLATE%}}""")
        },
        {
            "deployment: recreate has no rolling update", "apps", "deployments",
            T("""{"spec":{"strategy":{"type":"Recreate"},"template":%TEMPLATE%}}"""),
            T("""{"spec":{"replicas":1,"strategy":{"type":"Recreate"},"revisionHistoryLimit":10,"progressDeadlineSeconds":600,"template":%TEMPLATE%}}""")
        },
        {
            "replicaset", "apps", "replicasets",
            T("""{"spec":{"template":%BARE%}}"""),
            T("""{"spec":{"replicas":1,"template":%TEMPLATE%}}""")
        },
        {
            "daemonset", "apps", "daemonsets",
            T("""{"spec":{"template":%BARE%}}"""),
            T("""{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}},"revisionHistoryLimit":10,"template":%TEMPLATE%}}""")
        },
        {
            "daemonset: on delete", "apps", "daemonsets",
            T("""{"spec":{"updateStrategy":{"type":"OnDelete"},"revisionHistoryLimit":3,"template":%TEMPLATE%}}"""),
            T("""{"spec":{"updateStrategy":{"type":"OnDelete"},"revisionHistoryLimit":3,"template":%TEMPLATE%}}""")
        },
        {
            "statefulset", "apps", "statefulsets",
            T("""
            {"spec":{"serviceName":"db","template":%BARE%,
             "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}
            """),
            T("""
            {"spec":{"serviceName":"db","template":%TEMPLATE%,
             "podManagementPolicy":"OrderedReady","updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0,"maxUnavailable":1}},
             "persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Retain","whenScaled":"Retain"},"replicas":1,"revisionHistoryLimit":10,
             "volumeClaimTemplates":[{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data"},
               "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"volumeMode":"Filesystem"},"status":{"phase":"Pending"}}]}}
            """)
        },
        {
            "statefulset: an explicit RollingUpdate without parameters stays so", "apps", "statefulsets",
            T("""{"spec":{"podManagementPolicy":"Parallel","updateStrategy":{"type":"RollingUpdate"},"persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Delete"},"replicas":3,"revisionHistoryLimit":2,"template":%TEMPLATE%}}"""),
            T("""{"spec":{"podManagementPolicy":"Parallel","updateStrategy":{"type":"RollingUpdate"},"persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Delete","whenScaled":"Retain"},"replicas":3,"revisionHistoryLimit":2,"template":%TEMPLATE%}}""")
        },
        {
            "statefulset: partial rolling update", "apps", "statefulsets",
            T("""{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}},"template":%TEMPLATE%}}"""),
            T("""
            {"spec":{"podManagementPolicy":"OrderedReady","updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2,"maxUnavailable":1}},
             "persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Retain","whenScaled":"Retain"},"replicas":1,"revisionHistoryLimit":10,"template":%TEMPLATE%}}
            """)
        },
        {
            "replication controller takes selector and labels from its template", "", "replicationcontrollers",
            T("""{"metadata":{"name":"rc"},"spec":{"template":%BARE%}}"""),
            T("""{"metadata":{"name":"rc","labels":{"app":"web"}},"spec":{"selector":{"app":"web"},"replicas":1,"template":%TEMPLATE%}}""")
        },
        {
            "replication controller keeps its own selector and labels", "", "replicationcontrollers",
            T("""{"metadata":{"name":"rc","labels":{"tier":"x"}},"spec":{"selector":{"app":"web","v":"1"},"replicas":0,"template":%TEMPLATE%}}"""),
            T("""{"metadata":{"name":"rc","labels":{"tier":"x"}},"spec":{"selector":{"app":"web","v":"1"},"replicas":0,"template":%TEMPLATE%}}""")
        },
        {
            "replication controller without a template", "", "replicationcontrollers",
            """{"spec":{}}""",
            """{"spec":{"replicas":1}}"""
        },
        {
            "pod template", "", "podtemplates",
            T("""{"metadata":{"name":"t"},"template":%BARE%}"""),
            T("""{"metadata":{"name":"t"},"template":%TEMPLATE%}""")
        },
        {
            "job", "batch", "jobs",
            T("""{"metadata":{"name":"j"},"spec":{"template":%BARE%}}"""),
            T("""
            {"metadata":{"name":"j","labels":{"app":"web"}},"spec":{"template":%TEMPLATE%,
             "completions":1,"parallelism":1,"backoffLimit":6,"completionMode":"NonIndexed","suspend":false,
             "podReplacementPolicy":"TerminatingOrFailed","manualSelector":false}}
            """)
        },
        {
            "job: work queue, per-index backoff and a pod failure policy", "batch", "jobs",
            T("""
            {"metadata":{"labels":{"own":"x"}},"spec":{"parallelism":3,"completionMode":"Indexed","completions":5,"backoffLimitPerIndex":1,
             "podFailurePolicy":{"rules":[{"action":"Ignore","onPodConditions":[{"type":"DisruptionTarget"},{"type":"X","status":"False"}]}]},
             "template":%TEMPLATE%}}
            """),
            T("""
            {"metadata":{"labels":{"own":"x"}},"spec":{"parallelism":3,"completionMode":"Indexed","completions":5,"backoffLimitPerIndex":1,
             "podFailurePolicy":{"rules":[{"action":"Ignore","onPodConditions":[{"type":"DisruptionTarget","status":"True"},{"type":"X","status":"False"}]}]},
             "template":%TEMPLATE%,"backoffLimit":2147483647,"suspend":false,"podReplacementPolicy":"Failed","manualSelector":false}}
            """)
        },
        {
            "job: only completions set", "batch", "jobs",
            T("""{"spec":{"completions":4,"backoffLimit":0,"suspend":true,"manualSelector":true,"podReplacementPolicy":"Failed","template":%TEMPLATE%}}"""),
            T("""{"metadata":{"labels":{"app":"web"}},"spec":{"completions":4,"parallelism":1,"backoffLimit":0,"suspend":true,"manualSelector":true,"podReplacementPolicy":"Failed","completionMode":"NonIndexed","template":%TEMPLATE%}}""")
        },
        {
            "cronjob", "batch", "cronjobs",
            T("""
            {"spec":{"schedule":"* * * * *","jobTemplate":{"spec":{"template":%BARE%,
             "podFailurePolicy":{"rules":[{"action":"FailJob","onPodConditions":[{"type":"ConfigIssue"}]}]}}}}}
            """),
            T("""
            {"spec":{"schedule":"* * * * *","concurrencyPolicy":"Allow","suspend":false,"successfulJobsHistoryLimit":3,"failedJobsHistoryLimit":1,
             "jobTemplate":{"spec":{"template":%TEMPLATE%,
             "podFailurePolicy":{"rules":[{"action":"FailJob","onPodConditions":[{"type":"ConfigIssue","status":"True"}]}]}}}}}
            """)
        },
        {
            "cronjob: user values kept", "batch", "cronjobs",
            T("""{"spec":{"schedule":"@daily","concurrencyPolicy":"Forbid","suspend":true,"successfulJobsHistoryLimit":0,"failedJobsHistoryLimit":0,"jobTemplate":{"spec":{"template":%TEMPLATE%}}}}"""),
            T("""{"spec":{"schedule":"@daily","concurrencyPolicy":"Forbid","suspend":true,"successfulJobsHistoryLimit":0,"failedJobsHistoryLimit":0,"jobTemplate":{"spec":{"template":%TEMPLATE%}}}}""")
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DefaultsWorkloads(string name, string group, string resource, string before, string after)
    {
        Assert.NotEmpty(name);
        DefaultingAssert.Defaults(group, resource, before, after);
    }

    [Fact]
    public void PodOnlyDefaultsStayOutOfTemplates()
    {
        var deployment = DefaultingAssert.Apply("apps", "deployments", """
            {"spec":{"template":{"spec":{"hostNetwork":true,"containers":[{"name":"c","image":"a:1","ports":[{"containerPort":80}],"resources":{"limits":{"cpu":"1"}}}]}}}}
            """);
        var spec = deployment["spec"]!["template"]!["spec"]!;
        Assert.Null(spec["enableServiceLinks"]);
        Assert.Null(spec["containers"]![0]!["ports"]![0]!["hostPort"]);
        Assert.Null(spec["containers"]![0]!["resources"]!["requests"]);
        Assert.Null(deployment["status"]);
    }
}
