using Xunit;

namespace Shim.Api.Tests.Defaulting;

/// <summary>Pod defaults: the pod spec, containers, probes, volumes, resources and the create-time status.</summary>
public sealed class PodDefaultingTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        {
            "minimal pod",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx"}]},"status":{"phase":"Pending"}}""",
            """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
             "spec":{"containers":[{"name":"c","image":"nginx","imagePullPolicy":"Always","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
                     "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always","schedulerName":"default-scheduler",
                     "securityContext":{},"terminationGracePeriodSeconds":30},
             "status":{"phase":"Pending","qosClass":"BestEffort"}}
            """
        },
        {
            "image pull policy follows the tag",
            """
            {"spec":{"containers":[
              {"name":"a","image":"nginx:1.25"},{"name":"b","image":"nginx:latest"},{"name":"c","image":"registry.local:5000/team/app"},
              {"name":"d","image":"nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
              {"name":"e","image":"nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
              {"name":"f","image":"Not/A/Valid:Image"},{"name":"g"}]}}
            """,
            """
            {"spec":{"containers":[
              {"name":"a","image":"nginx:1.25","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"},
              {"name":"b","image":"nginx:latest","imagePullPolicy":"Always","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"},
              {"name":"c","image":"registry.local:5000/team/app","imagePullPolicy":"Always","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"},
              {"name":"d","image":"nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"},
              {"name":"e","image":"nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","imagePullPolicy":"Always","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"},
              {"name":"f","image":"Not/A/Valid:Image","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"},
              {"name":"g","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
             "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always","schedulerName":"default-scheduler",
             "securityContext":{},"terminationGracePeriodSeconds":30}}
            """
        },
        {
            "containers of every kind: ports, probes, hooks, env, requests from limits",
            """
            {"spec":{
              "serviceAccountName":"builder",
              "initContainers":[{"name":"init","image":"busybox:1.36","resources":{"limits":{"cpu":"100m","memory":"64Mi"}}}],
              "containers":[{"name":"app","image":"app:v1",
                "ports":[{"containerPort":8080},{"containerPort":53,"protocol":"UDP"}],
                "env":[{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
                       {"name":"FILE","valueFrom":{"fileKeyRef":{"volumeName":"v","path":"p","key":"k"}}},
                       {"name":"PLAIN","value":"x"}],
                "resources":{"limits":{"cpu":"1","memory":"128Mi"},"requests":{"cpu":"500m"}},
                "livenessProbe":{"httpGet":{"port":8080}},
                "readinessProbe":{"grpc":{"port":9090},"periodSeconds":0,"timeoutSeconds":5},
                "startupProbe":{"tcpSocket":{"port":8080},"failureThreshold":30},
                "lifecycle":{"preStop":{"httpGet":{"port":8080,"path":"/quit"}},"postStart":{"exec":{"command":["true"]}}}}],
              "ephemeralContainers":[{"name":"debug","image":"busybox","ports":[{"containerPort":1}]}]},
             "status":{"phase":"Pending"}}
            """,
            """
            {"spec":{
              "serviceAccountName":"builder","serviceAccount":"builder",
              "initContainers":[{"name":"init","image":"busybox:1.36","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",
                "resources":{"limits":{"cpu":"100m","memory":"64Mi"},"requests":{"cpu":"100m","memory":"64Mi"}}}],
              "containers":[{"name":"app","image":"app:v1","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",
                "ports":[{"containerPort":8080,"protocol":"TCP"},{"containerPort":53,"protocol":"UDP"}],
                "env":[{"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name","apiVersion":"v1"}}},
                       {"name":"FILE","valueFrom":{"fileKeyRef":{"volumeName":"v","path":"p","key":"k","optional":false}}},
                       {"name":"PLAIN","value":"x"}],
                "resources":{"limits":{"cpu":"1","memory":"128Mi"},"requests":{"cpu":"500m","memory":"128Mi"}},
                "livenessProbe":{"httpGet":{"port":8080,"path":"/","scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3},
                "readinessProbe":{"grpc":{"port":9090,"service":""},"periodSeconds":10,"timeoutSeconds":5,"successThreshold":1,"failureThreshold":3},
                "startupProbe":{"tcpSocket":{"port":8080},"failureThreshold":30,"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1},
                "lifecycle":{"preStop":{"httpGet":{"port":8080,"path":"/quit","scheme":"HTTP"}},"postStart":{"exec":{"command":["true"]}}}}],
              "ephemeralContainers":[{"name":"debug","image":"busybox","imagePullPolicy":"Always","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",
                "ports":[{"containerPort":1,"protocol":"TCP"}]}],
              "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always","schedulerName":"default-scheduler",
              "securityContext":{},"terminationGracePeriodSeconds":30},
             "status":{"phase":"Pending","qosClass":"Burstable"}}
            """
        },
        {
            "deprecated serviceAccount fills serviceAccountName",
            """{"spec":{"serviceAccount":"legacy","containers":[]}}""",
            """
            {"spec":{"serviceAccount":"legacy","serviceAccountName":"legacy","containers":[],
             "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always","schedulerName":"default-scheduler",
             "securityContext":{},"terminationGracePeriodSeconds":30}}
            """
        },
        {
            "serviceAccountName wins over a different serviceAccount",
            """{"spec":{"serviceAccount":"old","serviceAccountName":"new"}}""",
            """
            {"spec":{"serviceAccount":"new","serviceAccountName":"new",
             "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always","schedulerName":"default-scheduler",
             "securityContext":{},"terminationGracePeriodSeconds":30}}
            """
        },
        {
            "host networking publishes container ports on the host",
            """{"spec":{"hostNetwork":true,"containers":[{"name":"c","image":"a:1","ports":[{"containerPort":80},{"containerPort":81,"hostPort":9081}]}]}}""",
            """
            {"spec":{"hostNetwork":true,"containers":[{"name":"c","image":"a:1","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",
               "ports":[{"containerPort":80,"hostPort":80,"protocol":"TCP"},{"containerPort":81,"hostPort":9081,"protocol":"TCP"}]}],
             "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always","schedulerName":"default-scheduler",
             "securityContext":{},"terminationGracePeriodSeconds":30}}
            """
        },
        {
            "volumes",
            """
            {"spec":{"volumes":[
              {"name":"scratch"},
              {"name":"cm","configMap":{"name":"settings"}},
              {"name":"sec","secret":{"secretName":"s","defaultMode":256}},
              {"name":"down","downwardAPI":{"items":[{"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}}]}},
              {"name":"proj","projected":{"sources":[{"serviceAccountToken":{"path":"token"}},
                                                      {"downwardAPI":{"items":[{"path":"n","fieldRef":{"fieldPath":"metadata.name","apiVersion":"v1"}}]}},
                                                      {"configMap":{"name":"c"}}]}},
              {"name":"host","hostPath":{"path":"/var/log"}},
              {"name":"eph","ephemeral":{"volumeClaimTemplate":{"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}}},
              {"name":"img","image":{"reference":"quay.io/crio/artifact:v2"}},
              {"name":"img2","image":{"reference":"quay.io/crio/artifact"}},
              {"name":"rbd","rbd":{"monitors":["m"],"image":"i"}},
              {"name":"iscsi","iscsi":{"targetPortal":"t","iqn":"q","lun":0}},
              {"name":"az","azureDisk":{"diskName":"d","diskURI":"u"}},
              {"name":"sio","scaleIO":{"gateway":"g","system":"s","secretRef":{"name":"x"}}}]}}
            """,
            """
            {"spec":{"volumes":[
              {"name":"scratch","emptyDir":{}},
              {"name":"cm","configMap":{"name":"settings","defaultMode":420}},
              {"name":"sec","secret":{"secretName":"s","defaultMode":256}},
              {"name":"down","downwardAPI":{"defaultMode":420,"items":[{"path":"labels","fieldRef":{"fieldPath":"metadata.labels","apiVersion":"v1"}}]}},
              {"name":"proj","projected":{"defaultMode":420,"sources":[{"serviceAccountToken":{"path":"token","expirationSeconds":3600}},
                                                      {"downwardAPI":{"items":[{"path":"n","fieldRef":{"fieldPath":"metadata.name","apiVersion":"v1"}}]}},
                                                      {"configMap":{"name":"c"}}]}},
              {"name":"host","hostPath":{"path":"/var/log","type":""}},
              {"name":"eph","ephemeral":{"volumeClaimTemplate":{"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"volumeMode":"Filesystem"}}}},
              {"name":"img","image":{"reference":"quay.io/crio/artifact:v2","pullPolicy":"IfNotPresent"}},
              {"name":"img2","image":{"reference":"quay.io/crio/artifact","pullPolicy":"Always"}},
              {"name":"rbd","rbd":{"monitors":["m"],"image":"i","pool":"rbd","user":"admin","keyring":"/etc/ceph/keyring"}},
              {"name":"iscsi","iscsi":{"targetPortal":"t","iqn":"q","lun":0,"iscsiInterface":"default"}},
              {"name":"az","azureDisk":{"diskName":"d","diskURI":"u","cachingMode":"ReadWrite","fsType":"ext4","readOnly":false,"kind":"Shared"}},
              {"name":"sio","scaleIO":{"gateway":"g","system":"s","secretRef":{"name":"x"},"storageMode":"ThinProvisioned","fsType":"xfs"}}],
             "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always","schedulerName":"default-scheduler",
             "securityContext":{},"terminationGracePeriodSeconds":30}}
            """
        },
        {
            "quantities finer than a milli-unit round up",
            """{"spec":{"containers":[{"name":"c","image":"a:1","resources":{"requests":{"cpu":"100u","memory":"0.5"},"limits":{"cpu":"1.0001m","memory":"1Gi"}}}]}}""",
            """
            {"spec":{"containers":[{"name":"c","image":"a:1","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",
               "resources":{"requests":{"cpu":"1m","memory":"0.5"},"limits":{"cpu":"2m","memory":"1Gi"}}}],
             "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always","schedulerName":"default-scheduler",
             "securityContext":{},"terminationGracePeriodSeconds":30}}
            """
        },
        {
            "guaranteed pod",
            """{"spec":{"containers":[{"name":"c","image":"a:1","resources":{"limits":{"cpu":"1","memory":"1Gi"}}},{"name":"d","image":"a:1","resources":{"limits":{"cpu":"500m","memory":"512Mi"},"requests":{"cpu":"0.5","memory":"512Mi"}}}]},"status":{"phase":"Pending"}}""",
            """
            {"spec":{"containers":[
               {"name":"c","image":"a:1","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",
                "resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"1","memory":"1Gi"}}},
               {"name":"d","image":"a:1","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",
                "resources":{"limits":{"cpu":"500m","memory":"512Mi"},"requests":{"cpu":"0.5","memory":"512Mi"}}}],
             "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always","schedulerName":"default-scheduler",
             "securityContext":{},"terminationGracePeriodSeconds":30},
             "status":{"phase":"Pending","qosClass":"Guaranteed"}}
            """
        },
        {
            "scheduling gates add the SchedulingGated condition",
            """{"spec":{"schedulingGates":[{"name":"wait"}]},"status":{"phase":"Pending"}}""",
            """
            {"spec":{"schedulingGates":[{"name":"wait"}],
             "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always","schedulerName":"default-scheduler",
             "securityContext":{},"terminationGracePeriodSeconds":30},
             "status":{"phase":"Pending","qosClass":"BestEffort","conditions":[{"type":"PodScheduled","status":"False","lastProbeTime":null,
               "lastTransitionTime":"2024-05-06T07:08:09Z","reason":"SchedulingGated","message":"Scheduling is blocked due to non-empty scheduling gates"}]}}
            """
        },
        {
            "pod-level limits default pod-level requests",
            """{"spec":{"resources":{"limits":{"cpu":"2","memory":"1Gi"}},"containers":[{"name":"a","image":"a:1","resources":{"requests":{"cpu":"500m"}}},{"name":"b","image":"a:1","resources":{"requests":{"cpu":"250m"}}}]},"status":{"phase":"Pending"}}""",
            """
            {"spec":{"resources":{"limits":{"cpu":"2","memory":"1Gi"},"requests":{"cpu":"750m","memory":"1Gi"}},
             "containers":[
               {"name":"a","image":"a:1","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","resources":{"requests":{"cpu":"500m"}}},
               {"name":"b","image":"a:1","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","resources":{"requests":{"cpu":"250m"}}}],
             "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always","schedulerName":"default-scheduler",
             "securityContext":{},"terminationGracePeriodSeconds":30},
             "status":{"phase":"Pending","qosClass":"Burstable"}}
            """
        },
        {
            "pod-level requests default pod-level limits when every container limits the resource",
            """{"spec":{"resources":{"requests":{"cpu":"1","memory":"1Gi"}},"containers":[{"name":"a","image":"a:1","resources":{"limits":{"cpu":"500m","memory":"1Gi"}}},{"name":"b","image":"a:1","resources":{"limits":{"cpu":"0.5"}}}]}}""",
            """
            {"spec":{"resources":{"requests":{"cpu":"1","memory":"1Gi"},"limits":{"cpu":"1"}},
             "containers":[
               {"name":"a","image":"a:1","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","resources":{"limits":{"cpu":"500m","memory":"1Gi"},"requests":{"cpu":"500m","memory":"1Gi"}}},
               {"name":"b","image":"a:1","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","resources":{"limits":{"cpu":"0.5"},"requests":{"cpu":"0.5"}}}],
             "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always","schedulerName":"default-scheduler",
             "securityContext":{},"terminationGracePeriodSeconds":30}}
            """
        },
        {
            "sidecars and init containers count in pod-level aggregates",
            """{"spec":{"resources":{"limits":{"memory":"2Gi","hugepages-2Mi":"100Mi"}},"initContainers":[{"name":"side","image":"a:1","restartPolicy":"Always","resources":{"requests":{"memory":"128Mi"}}},{"name":"init","image":"a:1","resources":{"requests":{"memory":"1Gi"}}}],"containers":[{"name":"a","image":"a:1","resources":{"requests":{"memory":"256Mi"}}}]}}""",
            """
            {"spec":{"resources":{"limits":{"memory":"2Gi","hugepages-2Mi":"100Mi"},"requests":{"memory":"1152Mi","hugepages-2Mi":"100Mi"}},
             "initContainers":[
               {"name":"side","image":"a:1","restartPolicy":"Always","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","resources":{"requests":{"memory":"128Mi"}}},
               {"name":"init","image":"a:1","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","resources":{"requests":{"memory":"1Gi"}}}],
             "containers":[
               {"name":"a","image":"a:1","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","resources":{"requests":{"memory":"256Mi"}}}],
             "dnsPolicy":"ClusterFirst","enableServiceLinks":true,"restartPolicy":"Always","schedulerName":"default-scheduler",
             "securityContext":{},"terminationGracePeriodSeconds":30}}
            """
        },
        {
            "everything set by the user is kept",
            """
            {"spec":{"dnsPolicy":"Default","restartPolicy":"Never","schedulerName":"custom","securityContext":{"runAsUser":1000},
              "terminationGracePeriodSeconds":0,"enableServiceLinks":false,"serviceAccountName":"sa","serviceAccount":"sa",
              "containers":[{"name":"c","image":"nginx","imagePullPolicy":"Never","terminationMessagePath":"/tmp/log","terminationMessagePolicy":"FallbackToLogsOnError",
                "ports":[{"containerPort":80,"protocol":"SCTP"}],
                "livenessProbe":{"httpGet":{"path":"/healthz","port":80,"scheme":"HTTPS"},"timeoutSeconds":2,"periodSeconds":3,"successThreshold":1,"failureThreshold":4}}],
              "volumes":[{"name":"cm","configMap":{"name":"x","defaultMode":292}},{"name":"h","hostPath":{"path":"/","type":"Directory"}}]},
             "status":{"phase":"Running","qosClass":"BestEffort"}}
            """,
            """
            {"spec":{"dnsPolicy":"Default","restartPolicy":"Never","schedulerName":"custom","securityContext":{"runAsUser":1000},
              "terminationGracePeriodSeconds":0,"enableServiceLinks":false,"serviceAccountName":"sa","serviceAccount":"sa",
              "containers":[{"name":"c","image":"nginx","imagePullPolicy":"Never","terminationMessagePath":"/tmp/log","terminationMessagePolicy":"FallbackToLogsOnError",
                "ports":[{"containerPort":80,"protocol":"SCTP"}],
                "livenessProbe":{"httpGet":{"path":"/healthz","port":80,"scheme":"HTTPS"},"timeoutSeconds":2,"periodSeconds":3,"successThreshold":1,"failureThreshold":4}}],
              "volumes":[{"name":"cm","configMap":{"name":"x","defaultMode":292}},{"name":"h","hostPath":{"path":"/","type":"Directory"}}]},
             "status":{"phase":"Running","qosClass":"BestEffort"}}
            """
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DefaultsPods(string name, string before, string after)
    {
        Assert.NotEmpty(name);
        DefaultingAssert.Defaults("", "pods", before, after);
    }

    [Fact]
    public void QosClassIsOnlyRecordedForAPendingPodThatLacksOne()
    {
        var running = DefaultingAssert.Apply("", "pods", """{"spec":{"containers":[{"name":"c","image":"a:1","resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]},"status":{"phase":"Running"}}""");
        Assert.Null(running["status"]!["qosClass"]);

        var recorded = DefaultingAssert.Apply("", "pods", """{"spec":{"containers":[{"name":"c","image":"a:1","resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]},"status":{"phase":"Pending","qosClass":"BestEffort"}}""");
        Assert.Equal("BestEffort", (string?)recorded["status"]!["qosClass"]);

        var noStatus = DefaultingAssert.Apply("", "pods", """{"spec":{"containers":[]}}""");
        Assert.Null(noStatus["status"]);
    }

    [Theory]
    [InlineData("""[{"name":"c","resources":{"requests":{"cpu":"1"}}}]""", "Burstable")]
    [InlineData("""[{"name":"c","resources":{"limits":{"cpu":"1"}}}]""", "Burstable")]
    [InlineData("""[{"name":"c","resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"1","memory":"1024Mi"}}}]""", "Guaranteed")]
    [InlineData("""[{"name":"c","resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"1","memory":"1000Mi"}}}]""", "Burstable")]
    [InlineData("""[{"name":"c","resources":{"limits":{"cpu":"1","memory":"1Gi"}}},{"name":"d"}]""", "Burstable")]
    [InlineData("""[{"name":"c","resources":{"limits":{"cpu":"0","memory":"0"},"requests":{"nvidia.com/gpu":"1"}}}]""", "BestEffort")]
    [InlineData("""[{"name":"c","resources":{"limits":{"cpu":"1","memory":"1Gi","ephemeral-storage":"1Gi"}}}]""", "Guaranteed")]
    public void QosClassFollowsContainerResources(string containers, string qosClass)
    {
        var pod = DefaultingAssert.Apply("", "pods", """{"spec":{"containers":""" + containers + """},"status":{"phase":"Pending"}}""");
        Assert.Equal(qosClass, (string?)pod["status"]!["qosClass"]);
    }

    [Fact]
    public void PodLevelResourcesDecideTheQosClass()
    {
        var pod = DefaultingAssert.Apply("", "pods", """
            {"spec":{"resources":{"limits":{"cpu":"1","memory":"1Gi"}},"containers":[{"name":"c","image":"a:1"}]},"status":{"phase":"Pending"}}
            """);
        Assert.Equal("""{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"1","memory":"1Gi"}}""", pod["spec"]!["resources"]!.ToJsonString());
        Assert.Equal("Guaranteed", (string?)pod["status"]!["qosClass"]);
    }
}
