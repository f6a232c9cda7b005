using Xunit;

namespace Shim.Api.Tests.Defaulting;

/// <summary>Defaults of core/v1 kinds other than pods and pod-template holders.</summary>
public sealed class CoreDefaultingTests
{
    public static TheoryData<string, string, string, string> Cases => new()
    {
        {
            "secret: stringData folded into data, replacing the same key", "secrets",
            """{"metadata":{"name":"s"},"data":{"user":"b2xk","keep":"eA=="},"stringData":{"user":"admin","password":"s3cret"}}""",
            """{"metadata":{"name":"s"},"type":"Opaque","data":{"user":"YWRtaW4=","keep":"eA==","password":"czNjcmV0"}}"""
        },
        {
            "service: cluster IP", "services",
            """{"metadata":{"name":"s"},"spec":{"selector":{"app":"web"},"ports":[{"port":80},{"name":"dns","port":53,"protocol":"UDP","targetPort":"dns"}]}}""",
            """
            {"metadata":{"name":"s"},"spec":{"selector":{"app":"web"},
             "ports":[{"port":80,"protocol":"TCP","targetPort":80},{"name":"dns","port":53,"protocol":"UDP","targetPort":"dns"}],
             "sessionAffinity":"None","type":"ClusterIP","internalTrafficPolicy":"Cluster"}}
            """
        },
        {
            "service: no spec at all", "services",
            """{"metadata":{"name":"s"}}""",
            """{"metadata":{"name":"s"},"spec":{"sessionAffinity":"None","type":"ClusterIP","internalTrafficPolicy":"Cluster"}}"""
        },
        {
            "service: target port 0 or empty means the port", "services",
            """{"spec":{"ports":[{"port":443,"targetPort":0},{"port":8443,"targetPort":""},{"port":9443,"targetPort":9000}]}}""",
            """
            {"spec":{"ports":[{"port":443,"targetPort":443,"protocol":"TCP"},{"port":8443,"targetPort":8443,"protocol":"TCP"},{"port":9443,"targetPort":9000,"protocol":"TCP"}],
             "sessionAffinity":"None","type":"ClusterIP","internalTrafficPolicy":"Cluster"}}
            """
        },
        {
            "service: node port", "services",
            """{"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":30080}]}}""",
            """
            {"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":30080,"protocol":"TCP","targetPort":80}],
             "sessionAffinity":"None","externalTrafficPolicy":"Cluster","internalTrafficPolicy":"Cluster"}}
            """
        },
        {
            "service: load balancer with client IP affinity", "services",
            """{"spec":{"type":"LoadBalancer","sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{}}},"status":{"loadBalancer":{"ingress":[{"ip":"10.0.0.1"},{"hostname":"lb.example"},{"ip":"10.0.0.2","ipMode":"Proxy"}]}}}""",
            """
            {"spec":{"type":"LoadBalancer","sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800}},
             "externalTrafficPolicy":"Cluster","internalTrafficPolicy":"Cluster","allocateLoadBalancerNodePorts":true},
             "status":{"loadBalancer":{"ingress":[{"ip":"10.0.0.1","ipMode":"VIP"},{"hostname":"lb.example"},{"ip":"10.0.0.2","ipMode":"Proxy"}]}}}
            """
        },
        {
            "service: user values kept", "services",
            """
            {"spec":{"type":"LoadBalancer","sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":60}},
             "externalTrafficPolicy":"Local","internalTrafficPolicy":"Local","allocateLoadBalancerNodePorts":false,"ports":[{"port":80,"protocol":"SCTP","targetPort":81}]}}
            """,
            """
            {"spec":{"type":"LoadBalancer","sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":60}},
             "externalTrafficPolicy":"Local","internalTrafficPolicy":"Local","allocateLoadBalancerNodePorts":false,"ports":[{"port":80,"protocol":"SCTP","targetPort":81}]}}
            """
        },
        {
            "service: external IPs make a cluster IP service externally accessible", "services",
            """{"spec":{"externalIPs":["192.0.2.1"],"sessionAffinity":"None","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":5}}}}""",
            """{"spec":{"externalIPs":["192.0.2.1"],"sessionAffinity":"None","type":"ClusterIP","externalTrafficPolicy":"Cluster","internalTrafficPolicy":"Cluster"}}"""
        },
        {
            "service: external name has no traffic policies", "services",
            """{"spec":{"type":"ExternalName","externalName":"example.com"}}""",
            """{"spec":{"type":"ExternalName","externalName":"example.com","sessionAffinity":"None"}}"""
        },
        {
            "secret", "secrets",
            """{"metadata":{"name":"s"},"data":{"k":"dg=="}}""",
            """{"metadata":{"name":"s"},"data":{"k":"dg=="},"type":"Opaque"}"""
        },
        {
            "secret: type kept", "secrets",
            """{"metadata":{"name":"s"},"type":"kubernetes.io/tls"}""",
            """{"metadata":{"name":"s"},"type":"kubernetes.io/tls"}"""
        },
        {
            "namespace", "namespaces",
            """{"metadata":{"name":"team-a","labels":{"kubernetes.io/metadata.name":"spoofed","x":"y"}}}""",
            """{"metadata":{"name":"team-a","labels":{"kubernetes.io/metadata.name":"team-a","x":"y"}},"status":{"phase":"Active"}}"""
        },
        {
            "namespace: terminating stays terminating", "namespaces",
            """{"metadata":{"name":"old"},"status":{"phase":"Terminating"}}""",
            """{"metadata":{"name":"old","labels":{"kubernetes.io/metadata.name":"old"}},"status":{"phase":"Terminating"}}"""
        },
        {
            "node: allocatable defaults to capacity", "nodes",
            """{"metadata":{"name":"n"},"status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110"}}}""",
            """{"metadata":{"name":"n"},"status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110"},"allocatable":{"cpu":"4","memory":"8Gi","pods":"110"}}}"""
        },
        {
            "node: allocatable kept", "nodes",
            """{"status":{"capacity":{"cpu":"4"},"allocatable":{"cpu":"3500m"}}}""",
            """{"status":{"capacity":{"cpu":"4"},"allocatable":{"cpu":"3500m"}}}"""
        },
        {
            "persistent volume", "persistentvolumes",
            """{"spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/data"}}}""",
            """
            {"spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/data","type":""},
             "persistentVolumeReclaimPolicy":"Retain","volumeMode":"Filesystem"},"status":{"phase":"Pending"}}
            """
        },
        {
            "persistent volume: in-tree sources and user values", "persistentvolumes",
            """
            {"spec":{"persistentVolumeReclaimPolicy":"Delete","volumeMode":"Block","rbd":{"monitors":["m"],"image":"i","pool":"fast"},
             "iscsi":{"targetPortal":"t","iqn":"q","lun":1},"azureDisk":{"diskName":"d","diskURI":"u","kind":"Managed"},
             "scaleIO":{"gateway":"g","system":"s","secretRef":{"name":"x"}}},"status":{"phase":"Bound"}}
            """,
            """
            {"spec":{"persistentVolumeReclaimPolicy":"Delete","volumeMode":"Block","rbd":{"monitors":["m"],"image":"i","pool":"fast","user":"admin","keyring":"/etc/ceph/keyring"},
             "iscsi":{"targetPortal":"t","iqn":"q","lun":1,"iscsiInterface":"default"},"azureDisk":{"diskName":"d","diskURI":"u","kind":"Managed","cachingMode":"ReadWrite","fsType":"ext4","readOnly":false},
             "scaleIO":{"gateway":"g","system":"s","secretRef":{"name":"x"},"storageMode":"ThinProvisioned","fsType":"xfs"}},"status":{"phase":"Bound"}}
            """
        },
        {
            "persistent volume claim", "persistentvolumeclaims",
            """{"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}""",
            """{"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"volumeMode":"Filesystem"},"status":{"phase":"Pending"}}"""
        },
        {
            "persistent volume claim: block mode kept", "persistentvolumeclaims",
            """{"spec":{"volumeMode":"Block"},"status":{"phase":"Bound"}}""",
            """{"spec":{"volumeMode":"Block"},"status":{"phase":"Bound"}}"""
        },
        {
            "endpoints", "endpoints",
            """{"subsets":[{"addresses":[{"ip":"10.1.1.1"}],"ports":[{"port":80},{"name":"d","port":53,"protocol":"UDP"}]}]}""",
            """{"subsets":[{"addresses":[{"ip":"10.1.1.1"}],"ports":[{"port":80,"protocol":"TCP"},{"name":"d","port":53,"protocol":"UDP"}]}]}"""
        },
        {
            "limit range", "limitranges",
            """
            {"spec":{"limits":[
              {"type":"Container","max":{"cpu":"2","memory":"1Gi"},"min":{"cpu":"100m","ephemeral-storage":"1Gi"},"default":{"cpu":"1"}},
              {"type":"Pod","max":{"cpu":"4"}},
              {"type":"Container","min":{"memory":"0.0001"}}]}}
            """,
            """
            {"spec":{"limits":[
              {"type":"Container","max":{"cpu":"2","memory":"1Gi"},"min":{"cpu":"100m","ephemeral-storage":"1Gi"},"default":{"cpu":"1","memory":"1Gi"},
               "defaultRequest":{"cpu":"1","memory":"1Gi","ephemeral-storage":"1Gi"}},
              {"type":"Pod","max":{"cpu":"4"}},
              {"type":"Container","min":{"memory":"1m"},"defaultRequest":{"memory":"1m"}}]}}
            """
        },
        {
            "resource quota rounds sub-milli quantities", "resourcequotas",
            """{"spec":{"hard":{"cpu":"10","requests.cpu":"0.0000001","pods":"10"}}}""",
            """{"spec":{"hard":{"cpu":"10","requests.cpu":"1m","pods":"10"}}}"""
        },
        {
            "config map has no visible defaults", "configmaps",
            """{"metadata":{"name":"c"}}""",
            """{"metadata":{"name":"c"}}"""
        },
        {
            "service account has no defaults", "serviceaccounts",
            """{"metadata":{"name":"sa"}}""",
            """{"metadata":{"name":"sa"}}"""
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void DefaultsCoreKinds(string name, string resource, string before, string after)
    {
        Assert.NotEmpty(name);
        DefaultingAssert.Defaults("", resource, before, after);
    }
}
