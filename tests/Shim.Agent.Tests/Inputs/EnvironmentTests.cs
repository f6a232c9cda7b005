using Shim.Agent.Pods.Inputs;
using Shim.Model;
using Shim.Model.Core.V1;

namespace Shim.Agent.Tests.Inputs;

public sealed class EnvironmentTests
{
    private const string Pod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-0
          namespace: shop
          uid: 6f1c1f5e-8f1e-4a57-a1c4-5d1d2c3b4a59
          labels:
            app: web
          annotations:
            team: payments
        spec:
          nodeName: node-a
          serviceAccountName: web-sa
          containers:
          - name: app
            image: busybox
            resources:
              requests:
                cpu: 250m
                memory: 64Mi
              limits:
                cpu: 1500m
                memory: 128Mi
                ephemeral-storage: 1Gi
          - name: sidecar
            image: busybox
            resources:
              limits:
                memory: 32Mi
        status:
          hostIP: 10.0.0.5
          hostIPs:
          - ip: 10.0.0.5
          - ip: fd00::5
          podIP: 172.17.0.9
          podIPs:
          - ip: 172.17.0.9
          - ip: fd00::9
        """;

    private static readonly FakeCluster Cluster = new FakeCluster()
        .AddConfigMap("""
            metadata: {name: app-config, namespace: shop}
            data:
              LOG_LEVEL: debug
              MODE: fast
              1STARTS_WITH_DIGIT: ok
            """)
        .AddSecret("""
            metadata: {name: db, namespace: shop}
            data:
              password: czNjcjN0
              user: YWRtaW4=
            """);

    [Fact]
    public async Task EnvFromThenEnvInDeclarationOrderWithLaterDefinitionsWinning()
    {
        var environment = await EnvironmentAsync("""
            name: app
            envFrom:
            - configMapRef: {name: app-config}
            - secretRef: {name: db}
              prefix: DB_
            - configMapRef: {name: absent, optional: true}
            env:
            - name: MODE
              value: slow
            - name: EMPTY
            - name: LOG_LEVEL
              value: info
            """);

        Assert.Equal(
            ["1STARTS_WITH_DIGIT=ok", "LOG_LEVEL=info", "MODE=slow", "DB_password=s3cr3t", "DB_user=admin", "EMPTY="],
            environment);
    }

    [Fact]
    public async Task FieldRefsReadThePodAndTheStatusTheRuntimeFilledIn()
    {
        var environment = await EnvironmentAsync("""
            name: app
            env:
            - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
            - {name: POD_NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
            - {name: POD_UID, valueFrom: {fieldRef: {fieldPath: metadata.uid}}}
            - {name: APP, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
            - {name: TEAM, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['team']"}}}
            - {name: MISSING_LABEL, valueFrom: {fieldRef: {fieldPath: "metadata.labels['nope']"}}}
            - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
            - {name: SA, valueFrom: {fieldRef: {fieldPath: spec.serviceAccountName}}}
            - {name: HOST_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}
            - {name: HOST_IPS, valueFrom: {fieldRef: {fieldPath: status.hostIPs}}}
            - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
            - {name: POD_IPS, valueFrom: {fieldRef: {fieldPath: status.podIPs}}}
            """);

        Assert.Equal(
            [
                "POD_NAME=web-0", "POD_NAMESPACE=shop", "POD_UID=6f1c1f5e-8f1e-4a57-a1c4-5d1d2c3b4a59", "APP=web", "TEAM=payments",
                "MISSING_LABEL=", "NODE=node-a", "SA=web-sa", "HOST_IP=10.0.0.5", "HOST_IPS=10.0.0.5,fd00::5", "POD_IP=172.17.0.9",
                "POD_IPS=172.17.0.9,fd00::9",
            ],
            environment);
    }

    [Fact]
    public async Task ResourceFieldRefsRoundUpByDivisorAndFallBackToNodeAllocatable()
    {
        const string container = """
            name: app
            env:
            - {name: CPU_LIMIT, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
            - {name: CPU_REQUEST_MILLIS, valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}}
            - {name: CPU_REQUEST_CORES, valueFrom: {resourceFieldRef: {resource: requests.cpu}}}
            - {name: MEMORY_LIMIT_MI, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
            - {name: MEMORY_REQUEST, valueFrom: {resourceFieldRef: {resource: requests.memory}}}
            - {name: STORAGE_LIMIT_GI, valueFrom: {resourceFieldRef: {resource: limits.ephemeral-storage, divisor: 1Gi}}}
            - {name: SIDECAR_MEMORY_MI, valueFrom: {resourceFieldRef: {containerName: sidecar, resource: limits.memory, divisor: 1Mi}}}
            - {name: SIDECAR_CPU_LIMIT, valueFrom: {resourceFieldRef: {containerName: sidecar, resource: limits.cpu, divisor: 1m}}}
            """;

        var withoutNode = await EnvironmentAsync(container);
        var withNode = await EnvironmentAsync(container, new Dictionary<string, Quantity> { ["cpu"] = "4", ["memory"] = "8Gi" });

        Assert.Equal(
            [
                "CPU_LIMIT=2", "CPU_REQUEST_MILLIS=250", "CPU_REQUEST_CORES=1", "MEMORY_LIMIT_MI=128", "MEMORY_REQUEST=67108864",
                "STORAGE_LIMIT_GI=1", "SIDECAR_MEMORY_MI=32", "SIDECAR_CPU_LIMIT=0",
            ],
            withoutNode);
        Assert.Equal("SIDECAR_CPU_LIMIT=4000", withNode[^1]);
    }

    [Fact]
    public async Task KeyRefsResolveAndOptionalOnesThatAreMissingAreLeftOut()
    {
        var environment = await EnvironmentAsync("""
            name: app
            env:
            - {name: LEVEL, valueFrom: {configMapKeyRef: {name: app-config, key: LOG_LEVEL}}}
            - {name: PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
            - {name: NO_KEY, valueFrom: {configMapKeyRef: {name: app-config, key: nope, optional: true}}}
            - {name: NO_MAP, valueFrom: {configMapKeyRef: {name: absent, key: x, optional: true}}}
            - {name: NO_SECRET_KEY, valueFrom: {secretKeyRef: {name: db, key: nope, optional: true}}}
            - {name: NO_SECRET, valueFrom: {secretKeyRef: {name: absent, key: x, optional: true}}}
            """);

        Assert.Equal(["LEVEL=debug", "PASSWORD=s3cr3t"], environment);
    }

    [Theory]
    [InlineData("envFrom: [{configMapRef: {name: absent}}]", "configmap \"absent\" not found")]
    [InlineData("envFrom: [{secretRef: {name: absent}}]", "secret \"absent\" not found")]
    [InlineData("env: [{name: X, valueFrom: {configMapKeyRef: {name: absent, key: k}}}]", "configmap \"absent\" not found")]
    [InlineData("env: [{name: X, valueFrom: {configMapKeyRef: {name: app-config, key: k}}}]", "couldn't find key k in ConfigMap shop/app-config")]
    [InlineData("env: [{name: X, valueFrom: {secretKeyRef: {name: absent, key: k}}}]", "secret \"absent\" not found")]
    [InlineData("env: [{name: X, valueFrom: {secretKeyRef: {name: db, key: k}}}]", "couldn't find key k in Secret shop/db")]
    [InlineData("env: [{name: X, valueFrom: {fieldRef: {fieldPath: spec.restartPolicy}}}]", "unsupported fieldPath: spec.restartPolicy")]
    [InlineData("env: [{name: X, valueFrom: {resourceFieldRef: {resource: limits.gpu}}}]", "unsupported container resource : limits.gpu")]
    [InlineData("env: [{name: X, valueFrom: {resourceFieldRef: {containerName: ghost, resource: limits.cpu}}}]", "container ghost not found")]
    public async Task AMissingRequiredSourceIsACreateContainerConfigError(string spec, string message)
    {
        var error = await Assert.ThrowsAsync<PodInputException>(() => EnvironmentAsync("name: app\n" + spec));

        Assert.Equal("CreateContainerConfigError", error.Reason);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task ValuesExpandOnlyVariablesDefinedBeforeThem()
    {
        var environment = await EnvironmentAsync("""
            name: app
            envFrom:
            - configMapRef: {name: app-config}
            env:
            - {name: HOST, value: db.local}
            - {name: URL, value: "postgres://$(HOST):5432/$(MODE)?later=$(LATER)&unknown=$(NOPE)"}
            - {name: ESCAPED, value: "$$(HOST) costs $$5 $"}
            - {name: UNCLOSED, value: "$(HOST"}
            - {name: LATER, value: late}
            - {name: NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
            - {name: GREETING, value: "hi $(NAME)"}
            """);

        Assert.Contains("URL=postgres://db.local:5432/fast?later=$(LATER)&unknown=$(NOPE)", environment);
        Assert.Contains("ESCAPED=$(HOST) costs $5 $", environment);
        Assert.Contains("UNCLOSED=$(HOST", environment);
        Assert.Contains("GREETING=hi web-0", environment);
    }

    [Fact]
    public void CommandAndArgsExpandAgainstTheWholeEnvironment()
    {
        IReadOnlyList<string> environment = ["GREETING=hello", "TARGET=a=b", "GREETING=hi"];

        var command = ContainerInputs.Expand(["sh", "-c", "echo $(GREETING) $(TARGET) $$(GREETING) $(MISSING)"], environment);

        Assert.Equal(["sh", "-c", "echo hi a=b $(GREETING) $(MISSING)"], command);
        Assert.Null(ContainerInputs.Expand(null, environment));
    }

    private static Task<IReadOnlyList<string>> EnvironmentAsync(string containerYaml, IReadOnlyDictionary<string, Quantity>? nodeAllocatable = null)
    {
        var pod = Manifest.Parse<Pod>(Pod);
        var container = Manifest.Parse<Container>(containerYaml);
        // The container under test is the pod's "app" container with the env/envFrom of the case.
        container.Resources = pod.Spec!.Containers!.First(c => c.Name == container.Name).Resources;
        return nodeAllocatable is null
            ? ContainerInputs.EnvironmentAsync(pod, container, Cluster, CancellationToken.None)
            : ContainerInputs.EnvironmentAsync(pod, container, Cluster, nodeAllocatable, CancellationToken.None);
    }
}
