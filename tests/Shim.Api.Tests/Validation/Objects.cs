using System.Text.Json.Nodes;

namespace Shim.Api.Tests.Validation;

/// <summary>Valid objects of every kind, as they look after defaulting, in Kubernetes JSON form.</summary>
internal static class Objects
{
    private const string PodSpec = """
        {"containers":[{"name":"app","image":"nginx:1.25","imagePullPolicy":"IfNotPresent","terminationMessagePolicy":"File",
          "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],
          "env":[{"name":"MODE","value":"prod"},{"name":"POD","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}}],
          "resources":{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"cpu":"500m","memory":"128Mi"}},
          "volumeMounts":[{"name":"data","mountPath":"/data"},{"name":"config","mountPath":"/etc/app","readOnly":true}],
          "livenessProbe":{"httpGet":{"path":"/healthz","port":"http","scheme":"HTTP"},"periodSeconds":10,"timeoutSeconds":1,"successThreshold":1,"failureThreshold":3},
          "readinessProbe":{"tcpSocket":{"port":80},"periodSeconds":5},
          "securityContext":{"runAsUser":1000,"allowPrivilegeEscalation":false}}],
         "initContainers":[{"name":"init","image":"busybox","command":["sh","-c","true"]}],
         "volumes":[{"name":"data","emptyDir":{}},{"name":"config","configMap":{"name":"app-config","items":[{"key":"a","path":"a.conf"}]}}],
         "restartPolicy":"Always","dnsPolicy":"ClusterFirst","terminationGracePeriodSeconds":30,"schedulerName":"default-scheduler",
         "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],
         "nodeSelector":{"kubernetes.io/os":"linux"},
         "securityContext":{"fsGroup":2000}}
        """;

    private const string Template = """{"metadata":{"labels":{"app":"web"}},"spec":%PODSPEC%}""";

    private static readonly string JobTemplate = """
        {"metadata":{"labels":{"app":"batch"}},"spec":{"restartPolicy":"Never","containers":[{"name":"job","image":"busybox","command":["true"]}]}}
        """;

    public static readonly Dictionary<string, (string Group, string Resource, string Json)> Valid = new()
    {
        ["pod"] = ("", "pods", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},"spec":%PODSPEC%}"""),
        ["service"] = ("", "services", """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},
             "spec":{"type":"ClusterIP","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],"ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack",
              "selector":{"app":"web"},"sessionAffinity":"None","internalTrafficPolicy":"Cluster",
              "ports":[{"name":"http","port":80,"targetPort":"http","protocol":"TCP"},{"name":"metrics","port":9090,"targetPort":9090,"protocol":"TCP"}]}}
            """),
        ["headless-service"] = ("", "services", """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"db","namespace":"default"},
             "spec":{"type":"ClusterIP","clusterIP":"None","selector":{"app":"db"},"sessionAffinity":"None"}}
            """),
        ["externalname-service"] = ("", "services", """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"ext","namespace":"default"},
             "spec":{"type":"ExternalName","externalName":"example.com.","sessionAffinity":"None"}}
            """),
        ["nodeport-service"] = ("", "services", """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"np","namespace":"default"},
             "spec":{"type":"NodePort","externalTrafficPolicy":"Cluster","sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10800}},
              "ports":[{"port":80,"targetPort":8080,"nodePort":30080,"protocol":"TCP"}]}}
            """),
        ["endpoints"] = ("", "endpoints", """
            {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"web","namespace":"default"},
             "subsets":[{"addresses":[{"ip":"10.244.0.5","nodeName":"node-1"}],"ports":[{"name":"http","port":80,"protocol":"TCP"},{"name":"m","port":9090}]}]}
            """),
        ["configmap"] = ("", "configmaps", """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"default"},"data":{"app.conf":"x=1","KEY_2":"v"},"binaryData":{"blob":"AAEC"}}
            """),
        ["secret"] = ("", "secrets", """
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"default"},"type":"Opaque","data":{"password":"c2VjcmV0"},"stringData":{"user":"admin"}}
            """),
        ["tls-secret"] = ("", "secrets", """
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"tls","namespace":"default"},"type":"kubernetes.io/tls","data":{"tls.crt":"Y2VydA==","tls.key":"a2V5"}}
            """),
        ["serviceaccount"] = ("", "serviceaccounts", """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"sa","namespace":"default"}}"""),
        ["namespace"] = ("", "namespaces", """
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"},"spec":{"finalizers":["kubernetes","example.com/cleanup"]}}
            """),
        ["node"] = ("", "nodes", """
            {"apiVersion":"v1","kind":"Node","metadata":{"name":"node-1"},
             "spec":{"podCIDR":"10.244.1.0/24","podCIDRs":["10.244.1.0/24","fd00:10:244:1::/64"],"providerID":"kind://docker/node-1",
              "taints":[{"key":"node-role.kubernetes.io/control-plane","effect":"NoSchedule"}]},
             "status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110"},"allocatable":{"cpu":"3800m","memory":"7Gi","pods":"110"}}}
            """),
        ["event"] = ("", "events", """
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"web.1","namespace":"default"},
             "involvedObject":{"kind":"Pod","namespace":"default","name":"web"},"reason":"Started","message":"Started container","type":"Normal"}
            """),
        ["pv"] = ("", "persistentvolumes", """
            {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv-1"},
             "spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Retain","storageClassName":"standard",
              "volumeMode":"Filesystem","hostPath":{"path":"/mnt/data","type":"DirectoryOrCreate"}}}
            """),
        ["pvc"] = ("", "persistentvolumeclaims", """
            {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data","namespace":"default"},
             "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"storageClassName":"standard","volumeMode":"Filesystem"},
             "status":{"phase":"Pending"}}
            """),
        ["limitrange"] = ("", "limitranges", """
            {"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"lr","namespace":"default"},
             "spec":{"limits":[{"type":"Container","min":{"cpu":"50m"},"max":{"cpu":"2"},"default":{"cpu":"500m"},"defaultRequest":{"cpu":"100m"}}]}}
            """),
        ["resourcequota"] = ("", "resourcequotas", """
            {"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"rq","namespace":"default"},
             "spec":{"hard":{"pods":"10","requests.cpu":"4","limits.memory":"8Gi","count/deployments.apps":"5"}}}
            """),
        ["podtemplate"] = ("", "podtemplates", """{"apiVersion":"v1","kind":"PodTemplate","metadata":{"name":"t","namespace":"default"},"template":%TEMPLATE%}"""),
        ["replicationcontroller"] = ("", "replicationcontrollers", """
            {"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"rc","namespace":"default"},
             "spec":{"replicas":2,"selector":{"app":"web"},"template":%TEMPLATE%}}
            """),
        ["deployment"] = ("apps", "deployments", """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":%TEMPLATE%,
              "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},"revisionHistoryLimit":10,"progressDeadlineSeconds":600}}
            """),
        ["replicaset"] = ("apps", "replicasets", """
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-5d9f","namespace":"default"},
             "spec":{"replicas":3,"selector":{"matchExpressions":[{"key":"app","operator":"In","values":["web","api"]}]},"template":%TEMPLATE%}}
            """),
        ["statefulset"] = ("apps", "statefulsets", """
            {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"default"},
             "spec":{"replicas":3,"serviceName":"db","selector":{"matchLabels":{"app":"web"}},"template":%TEMPLATE%,
              "podManagementPolicy":"OrderedReady","updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}},
              "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}
            """),
        ["daemonset"] = ("apps", "daemonsets", """
            {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"kube-system"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},"template":%TEMPLATE%,
              "updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}},"revisionHistoryLimit":10}}
            """),
        ["controllerrevision"] = ("apps", "controllerrevisions", """
            {"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":"web-1","namespace":"default"},"data":{"spec":{}},"revision":1}
            """),
        ["job"] = ("batch", "jobs", """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"pi","namespace":"default"},
             "spec":{"completions":3,"parallelism":2,"backoffLimit":6,"completionMode":"NonIndexed","template":%JOBTEMPLATE%}}
            """),
        ["manual-job"] = ("batch", "jobs", """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"manual","namespace":"default"},
             "spec":{"manualSelector":true,"selector":{"matchLabels":{"app":"batch"}},"template":%JOBTEMPLATE%}}
            """),
        ["cronjob"] = ("batch", "cronjobs", """
            {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"nightly","namespace":"default"},
             "spec":{"schedule":"*/5 1-3,5 * JAN-jun mon-fri","timeZone":"Europe/Paris","concurrencyPolicy":"Forbid","successfulJobsHistoryLimit":3,
              "jobTemplate":{"spec":{"backoffLimit":2,"template":%JOBTEMPLATE%}}}}
            """),
        ["hpa"] = ("autoscaling", "horizontalpodautoscalers", """
            {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web","namespace":"default"},
             "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":10,
              "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}},
                         {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"100"}}}],
              "behavior":{"scaleDown":{"stabilizationWindowSeconds":300,"policies":[{"type":"Percent","value":100,"periodSeconds":15}]}}}}
            """),
        ["pdb"] = ("policy", "poddisruptionbudgets", """
            {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"web","namespace":"default"},
             "spec":{"minAvailable":"50%","selector":{"matchLabels":{"app":"web"}},"unhealthyPodEvictionPolicy":"IfHealthyBudget"}}
            """),
        ["ingress"] = ("networking.k8s.io", "ingresses", """
            {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"web","namespace":"default"},
             "spec":{"ingressClassName":"nginx","tls":[{"hosts":["*.example.com"],"secretName":"tls"}],
              "rules":[{"host":"www.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}},
                                                               {"path":"/api","pathType":"Exact","backend":{"service":{"name":"api","port":{"name":"http"}}}}]}}]}}
            """),
        ["ingressclass"] = ("networking.k8s.io", "ingressclasses", """
            {"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"nginx"},
             "spec":{"controller":"k8s.io/ingress-nginx","parameters":{"apiGroup":"k8s.example.com","kind":"IngressParameters","name":"p","scope":"Cluster"}}}
            """),
        ["networkpolicy"] = ("networking.k8s.io", "networkpolicies", """
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny","namespace":"default"},
             "spec":{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Ingress","Egress"],
              "ingress":[{"from":[{"podSelector":{}},{"ipBlock":{"cidr":"10.0.0.0/8","except":["10.1.0.0/16"]}}],"ports":[{"protocol":"TCP","port":80,"endPort":90}]}],
              "egress":[{"to":[{"namespaceSelector":{"matchLabels":{"team":"a"}}}],"ports":[{"port":"dns"}]}]}}
            """),
        ["endpointslice"] = ("discovery.k8s.io", "endpointslices", """
            {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"web-abc","namespace":"default"},"addressType":"IPv4",
             "endpoints":[{"addresses":["10.244.0.5"],"conditions":{"ready":true},"nodeName":"node-1","hints":{"forZones":[{"name":"zone-a"}]}}],
             "ports":[{"name":"http","port":80,"protocol":"TCP"}]}
            """),
        ["role"] = ("rbac.authorization.k8s.io", "roles", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"reader","namespace":"default"},
             "rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}]}
            """),
        ["clusterrole"] = ("rbac.authorization.k8s.io", "clusterroles", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system:metrics"},
             "rules":[{"nonResourceURLs":["/metrics"],"verbs":["get"]},{"apiGroups":["apps"],"resources":["deployments"],"verbs":["*"]}]}
            """),
        ["rolebinding"] = ("rbac.authorization.k8s.io", "rolebindings", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"read","namespace":"default"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"reader"},
             "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"jane"},{"kind":"ServiceAccount","name":"default","namespace":"default"},{"kind":"Group","name":"devs"}]}
            """),
        ["clusterrolebinding"] = ("rbac.authorization.k8s.io", "clusterrolebindings", """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"admins"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
             "subjects":[{"kind":"ServiceAccount","name":"admin","namespace":"kube-system"}]}
            """),
        ["lease"] = ("coordination.k8s.io", "leases", """
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"node-1","namespace":"kube-node-lease"},
             "spec":{"holderIdentity":"node-1","leaseDurationSeconds":40,"leaseTransitions":0,"renewTime":"2024-05-01T10:00:00.123456Z"}}
            """),
        ["storageclass"] = ("storage.k8s.io", "storageclasses", """
            {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":"standard"},"provisioner":"rancher.io/local-path",
             "parameters":{"type":"ssd"},"reclaimPolicy":"Delete","volumeBindingMode":"WaitForFirstConsumer",
             "allowedTopologies":[{"matchLabelExpressions":[{"key":"topology.kubernetes.io/zone","values":["a","b"]}]}]}
            """),
        ["priorityclass"] = ("scheduling.k8s.io", "priorityclasses", """
            {"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"high"},"value":1000000,"globalDefault":false,"preemptionPolicy":"PreemptLowerPriority"}
            """),
        ["system-priorityclass"] = ("scheduling.k8s.io", "priorityclasses", """
            {"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"system-node-critical"},"value":2000001000}
            """),
        ["crd"] = ("apiextensions.k8s.io", "customresourcedefinitions", """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
             "spec":{"group":"example.com","scope":"Namespaced",
              "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList","shortNames":["wd"],"categories":["all"]},
              "versions":[
                {"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"size":{"type":"integer"},"tags":{"type":"array","items":{"type":"string"}}}}}}},
                 "additionalPrinterColumns":[{"name":"Size","type":"integer","jsonPath":".spec.size"}]},
                {"name":"v1beta1","served":true,"storage":false,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """),
    };

    public static JsonObject Parse(string name) => (JsonObject)JsonNode.Parse(Expand(Valid[name].Json))!;

    private static string Expand(string json) =>
        json.Replace("%TEMPLATE%", Template, StringComparison.Ordinal)
            .Replace("%JOBTEMPLATE%", JobTemplate, StringComparison.Ordinal)
            .Replace("%PODSPEC%", PodSpec, StringComparison.Ordinal);
}
