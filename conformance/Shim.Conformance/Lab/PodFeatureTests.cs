using System.Net;
using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>
/// What a pod spec asks for is what the process sees: command and args, working directory, environment, volumes,
/// resource limits, security context, host network, hostname, init containers and pod IPs, observed from inside the
/// container (kubectl exec) or through `docker inspect` on the lab host.
/// </summary>
[Collection("lab")]
public sealed class PodFeatureTests(LabCluster cluster)
{
    [Fact]
    public async Task Command_args_working_dir_and_variable_expansion_reach_the_process()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "command");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: cmd}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                workingDir: /srv/app
                command: ["sh", "-c"]
                args: ["pwd > /tmp/wd; echo \"$0 $1 $(GREETING)\" > /tmp/args; exec sleep 3600", "first", "second"]
                env:
                - {name: GREETING, value: hello}
            """);
        await ns.WaitForPhaseAsync("cmd", "Running");
        Assert.Equal("/srv/app", await ns.ShAsync("cmd", "cat /tmp/wd"));
        Assert.Equal("first second hello", await ns.ShAsync("cmd", "cat /tmp/args"));
        // PID 1 is the command after its exec.
        Assert.Equal("sleep 3600", await ns.ShAsync("cmd", "tr '\\0' ' ' < /proc/1/cmdline | sed 's/ $//'"));
    }

    [Fact]
    public async Task Environment_comes_from_values_pod_fields_resources_config_maps_and_secrets()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "env");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {color: blue, size: large}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: credentials}
            data: {password: czNjcmV0, user: YWRtaW4=}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: envpod}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                resources:
                  requests: {cpu: 250m, memory: 32Mi}
                  limits: {cpu: 500m, memory: 64Mi}
                env:
                - {name: PLAIN, value: plain-value}
                - name: POD_NAME
                  valueFrom: {fieldRef: {fieldPath: metadata.name}}
                - name: POD_NAMESPACE
                  valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
                - name: POD_IP
                  valueFrom: {fieldRef: {fieldPath: status.podIP}}
                - name: NODE_NAME
                  valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
                - name: HOST_IP
                  valueFrom: {fieldRef: {fieldPath: status.hostIP}}
                - name: MEMORY_LIMIT
                  valueFrom: {resourceFieldRef: {resource: limits.memory}}
                - name: CPU_REQUEST_MILLIS
                  valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}
                - name: COLOR
                  valueFrom: {configMapKeyRef: {name: settings, key: color}}
                - name: PASSWORD
                  valueFrom: {secretKeyRef: {name: credentials, key: password}}
                - {name: COMPOSED, value: "$(POD_NAME)/$(PLAIN)/$(UNDEFINED)"}
                envFrom:
                - prefix: CM_
                  configMapRef: {name: settings}
                - secretRef: {name: credentials}
            """);
        await ns.WaitForPhaseAsync("envpod", "Running");
        var env = (await ns.ShAsync("envpod", "env"))
            .Split('\n')
            .Select(line => line.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);

        Assert.Equal("plain-value", env["PLAIN"]);
        Assert.Equal("envpod", env["POD_NAME"]);
        Assert.Equal(ns.Name, env["POD_NAMESPACE"]);
        Assert.Equal(await ns.GetAsync("pod/envpod", "{.spec.nodeName}"), env["NODE_NAME"]);
        Assert.Equal("67108864", env["MEMORY_LIMIT"]);
        Assert.Equal("250", env["CPU_REQUEST_MILLIS"]);
        Assert.Equal("blue", env["COLOR"]);
        Assert.Equal("s3cret", env["PASSWORD"]);
        Assert.Equal("envpod/plain-value/$(UNDEFINED)", env["COMPOSED"]);
        Assert.Equal("blue", env["CM_color"]);
        Assert.Equal("large", env["CM_size"]);
        Assert.Equal("admin", env["user"]);
        Assert.Equal("s3cret", env["password"]);
        // The pod's and node's IPs are known before the containers start (the sandbox has its address).
        Assert.Equal(await ns.GetAsync("pod/envpod", "{.status.hostIP}"), env["HOST_IP"]);
        Assert.Equal(await ns.GetAsync("pod/envpod", "{.status.podIP}"), env["POD_IP"]);
    }

    [Fact]
    public async Task Empty_dir_is_shared_between_containers_and_memory_medium_is_tmpfs()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "emptydir");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: shared}
            spec:
              terminationGracePeriodSeconds: 1
              volumes:
              - {name: scratch, emptyDir: {}}
              - {name: fast, emptyDir: {medium: Memory}}
              containers:
              - name: writer
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sh", "-c", "echo written by writer > /data/note; exec sleep 3600"]
                volumeMounts:
                - {name: scratch, mountPath: /data}
                - {name: fast, mountPath: /fast}
              - name: reader
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                volumeMounts:
                - {name: scratch, mountPath: /shared}
                - {name: fast, mountPath: /fast}
            """);
        await ns.WaitForReadyAsync("shared");
        Assert.Equal("written by writer", await ns.ShAsync("shared", "cat /shared/note", "reader"));

        await ns.ShAsync("shared", "echo through memory > /fast/x", "reader");
        Assert.Equal("through memory", await ns.ShAsync("shared", "cat /fast/x", "writer"));
        var mounts = await ns.ShAsync("shared", "mount", "writer");
        Assert.Matches(@"(?m)^\S+ on /fast type tmpfs ", mounts);
        Assert.DoesNotMatch(@"(?m)^\S+ on /data type tmpfs ", mounts);
        Assert.Matches(@"(?m)^\S+ on /data type ", mounts);
    }

    [Fact]
    public async Task Config_map_secret_downward_api_and_projected_volumes_show_their_files()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "volumes");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app-config}
            data: {app.conf: "port=8080", other: ignored}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: app-secret}
            data: {token: YWJjMTIz}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: files
              labels: {app: files, tier: backend}
              annotations: {note: hello}
            spec:
              terminationGracePeriodSeconds: 1
              volumes:
              - name: config
                configMap:
                  name: app-config
                  items: [{key: app.conf, path: conf/app.conf, mode: 0600}]
              - name: secret
                secret: {secretName: app-secret}
              - name: info
                downwardAPI:
                  items:
                  - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                  - {path: name, fieldRef: {fieldPath: metadata.name}}
              - name: all-in-one
                projected:
                  sources:
                  - configMap: {name: app-config, items: [{key: app.conf, path: app.conf}]}
                  - secret: {name: app-secret}
                  - downwardAPI: {items: [{path: annotations, fieldRef: {fieldPath: metadata.annotations}}]}
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                volumeMounts:
                - {name: config, mountPath: /config}
                - {name: secret, mountPath: /secret}
                - {name: info, mountPath: /info}
                - {name: all-in-one, mountPath: /projected}
            """);
        await ns.WaitForPhaseAsync("files", "Running");
        Assert.Equal("port=8080", await ns.ShAsync("files", "cat /config/conf/app.conf"));
        Assert.Equal("600", await ns.ShAsync("files", "stat -L -c %a /config/conf/app.conf"));
        Assert.Equal("conf", await ns.ShAsync("files", "ls /config"));
        Assert.Equal("abc123", await ns.ShAsync("files", "cat /secret/token"));

        var labels = await ns.ShAsync("files", "cat /info/labels");
        Assert.Contains("app=\"files\"", labels, StringComparison.Ordinal);
        Assert.Contains("tier=\"backend\"", labels, StringComparison.Ordinal);
        Assert.Equal("files", await ns.ShAsync("files", "cat /info/name"));

        Assert.Equal("port=8080", await ns.ShAsync("files", "cat /projected/app.conf"));
        Assert.Equal("abc123", await ns.ShAsync("files", "cat /projected/token"));
        Assert.Contains("note=\"hello\"", await ns.ShAsync("files", "cat /projected/annotations"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_path_directory_is_created_on_the_host_and_shared_with_it()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "hostpath");
        Assert.False(Directory.Exists(ns.HostDirectory));
        await ns.ApplyAsync($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: host-files}
            spec:
              terminationGracePeriodSeconds: 1
              nodeSelector: {kubernetes.io/hostname: h1}
              volumes:
              - name: host
                hostPath: {path: {{ns.HostDirectory}}, type: DirectoryOrCreate}
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sh", "-c", "echo from the pod > /host/from-pod; exec sleep 3600"]
                volumeMounts:
                - {name: host, mountPath: /host}
            """);
        await ns.WaitForPhaseAsync("host-files", "Running");
        Assert.True(Directory.Exists(ns.HostDirectory), $"{ns.HostDirectory} was not created on the host");
        Assert.Equal("from the pod\n", await File.ReadAllTextAsync(Path.Combine(ns.HostDirectory, "from-pod")));

        await File.WriteAllTextAsync(Path.Combine(ns.HostDirectory, "from-host"), "from the host\n");
        Assert.Equal("from the host", await ns.ShAsync("host-files", "cat /host/from-host"));
    }

    [Fact]
    public async Task Resources_become_docker_cgroup_limits()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "resources");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: limited}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                resources:
                  requests: {cpu: 250m, memory: 32Mi}
                  limits: {cpu: 500m, memory: 64Mi}
            """);
        await ns.WaitForPhaseAsync("limited", "Running");
        var hostConfig = (await ns.InspectAsync("limited", "app"))["HostConfig"]!;
        Assert.Equal(64L * 1024 * 1024, hostConfig["Memory"]!.GetValue<long>());
        Assert.Equal(256, hostConfig["CpuShares"]!.GetValue<long>());
        Assert.Equal(100_000, hostConfig["CpuPeriod"]!.GetValue<long>());
        Assert.Equal(50_000, hostConfig["CpuQuota"]!.GetValue<long>());

        // The limit is the cgroup's, as the process sees it.
        Assert.Equal("67108864", await ns.ShAsync("limited", "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes"));
        Assert.Equal("Burstable", await ns.GetAsync("pod/limited", "{.status.qosClass}"));
    }

    [Fact]
    public async Task Security_context_sets_user_group_and_read_only_root()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "security");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: locked}
            spec:
              terminationGracePeriodSeconds: 1
              securityContext: {runAsUser: 1234, runAsGroup: 5678}
              volumes:
              - {name: scratch, emptyDir: {}}
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                securityContext: {readOnlyRootFilesystem: true}
                volumeMounts:
                - {name: scratch, mountPath: /scratch}
              - name: other-user
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                securityContext: {runAsUser: 4321}
            """);
        await ns.WaitForReadyAsync("locked");
        Assert.Equal("1234", await ns.ShAsync("locked", "id -u", "app"));
        Assert.Equal("5678", await ns.ShAsync("locked", "id -g", "app"));
        Assert.Equal("4321", await ns.ShAsync("locked", "id -u", "other-user"));
        Assert.Equal("5678", await ns.ShAsync("locked", "id -g", "other-user"));

        var write = await ns.ExecAsync("locked", "app", "touch", "/written");
        Assert.NotEqual(0, write.ExitCode);
        Assert.Contains("Read-only file system", write.Output, StringComparison.Ordinal);
        Assert.True((await ns.ExecAsync("locked", "app", "touch", "/scratch/written")).ExitCode == 0, "the emptyDir should stay writable");
        Assert.True((await ns.ExecAsync("locked", "other-user", "touch", "/tmp/written")).ExitCode == 0, "the other container's root is writable");
    }

    [Fact]
    public async Task Capabilities_are_dropped_and_added()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "caps");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: caps}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: default
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
              - name: none
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                securityContext: {capabilities: {drop: [ALL]}}
              - name: netadmin
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                securityContext: {capabilities: {add: [NET_ADMIN]}}
            """);
        await ns.WaitForReadyAsync("caps");

        // Root without CAP_CHOWN cannot give a file away; with the default set it can.
        Assert.Equal("0000000000000000", await ns.ShAsync("caps", "grep CapEff /proc/self/status | cut -f2", "none"));
        var chownWithout = await ns.ExecAsync("caps", "none", "sh", "-c", "touch /tmp/f && chown 1000 /tmp/f");
        Assert.NotEqual(0, chownWithout.ExitCode);
        Assert.Equal(0, (await ns.ExecAsync("caps", "default", "sh", "-c", "touch /tmp/f && chown 1000 /tmp/f")).ExitCode);

        // Only NET_ADMIN (or privileged) may change interfaces.
        var addressWithoutNetAdmin = await ns.ExecAsync("caps", "default", "ip", "addr", "add", "192.0.2.10/32", "dev", "lo");
        Assert.NotEqual(0, addressWithoutNetAdmin.ExitCode);
        Assert.Equal(0, (await ns.ExecAsync("caps", "netadmin", "ip", "addr", "add", "192.0.2.11/32", "dev", "lo")).ExitCode);
        Assert.Contains("NET_ADMIN", (await ns.InspectAsync("caps", "netadmin"))["HostConfig"]!["CapAdd"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("ALL", (await ns.InspectAsync("caps", "none"))["HostConfig"]!["CapDrop"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Privileged_container_is_created_privileged()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "privileged");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: privileged}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                securityContext: {privileged: true}
              - name: ordinary
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
            """);
        // Observed through `docker inspect`: this machine's own capability bounding set lacks CAP_SYS_RESOURCE, so
        // runc cannot start any privileged container here ("unable to apply caps"), whoever asks Docker for it.
        await ns.EventuallyAsync(
            async () => (await ns.ContainersOfAsync("privileged")).Any(c => c.Container == "app") ? "created" : null,
            "a Docker container for the privileged container",
            resource: "pod/privileged");
        Assert.True((await ns.InspectAsync("privileged", "app"))["HostConfig"]!["Privileged"]!.GetValue<bool>());
        await ns.WaitForAsync("pod/privileged", "{.status.containerStatuses[?(@.name==\"ordinary\")].state.running.startedAt}", s => s.Length > 0, "the ordinary container running");
        Assert.False((await ns.InspectAsync("privileged", "ordinary"))["HostConfig"]!["Privileged"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Secret_written_as_string_data_reaches_the_pod()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "stringdata");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Secret
            metadata: {name: typed-in}
            stringData: {password: s3cret}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: reads-secret}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sleep", "3600"]
                env:
                - name: PASSWORD
                  valueFrom: {secretKeyRef: {name: typed-in, key: password}}
            """);
        // The API server folds stringData into data (base64) on write.
        Assert.Equal("czNjcmV0", await ns.GetAsync("secret/typed-in", "{.data.password}"));
        await ns.WaitForPhaseAsync("reads-secret", "Running");
        Assert.Equal("s3cret", await ns.ShAsync("reads-secret", "echo $PASSWORD"));
    }

    [Fact]
    public async Task Host_network_pod_has_the_node_ip()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "hostnet");
        await ns.ApplyAsync(LabManifests.Sleeper("on-host-network", """
              hostNetwork: true
              nodeSelector: {kubernetes.io/hostname: h1}
            """));
        await ns.WaitForPhaseAsync("on-host-network", "Running");
        Assert.Equal(LabCluster.HostIp(1), await ns.GetAsync("pod/on-host-network", "{.status.podIP}"));
        Assert.Equal(LabCluster.HostIp(1), await ns.GetAsync("pod/on-host-network", "{.status.hostIP}"));
        Assert.Contains($"inet {LabCluster.HostIp(1)}/24", await ns.ShAsync("on-host-network", "ip -4 addr show eth0"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostname_is_the_pod_name_or_the_hostname_and_subdomain_asked_for()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "hostname");
        await ns.ApplyAsync(LabManifests.Sleeper("plain-name"));
        await ns.ApplyAsync(LabManifests.Sleeper("named", """
              hostname: db-0
              subdomain: db
            """));
        await ns.WaitForPhaseAsync("plain-name", "Running");
        await ns.WaitForPhaseAsync("named", "Running");
        Assert.Equal("plain-name", await ns.ShAsync("plain-name", "hostname"));
        Assert.Equal("db-0", await ns.ShAsync("named", "hostname"));
        var podIp = await ns.GetAsync("pod/named", "{.status.podIP}");
        Assert.Matches($@"(?m)^{podIp.Replace(".", "\\.", StringComparison.Ordinal)}\s+db-0\.db\.{ns.Name}\.svc\.cluster\.local\s+db-0\s*$", await ns.ShAsync("named", "cat /etc/hosts"));
    }

    [Fact]
    public async Task Init_containers_run_to_completion_in_order_before_the_app()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "init");
        await ns.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: ordered}
            spec:
              terminationGracePeriodSeconds: 1
              volumes:
              - {name: work, emptyDir: {}}
              initContainers:
              - name: first
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sh", "-c", "sleep 1; echo first >> /work/order"]
                volumeMounts: [{name: work, mountPath: /work}]
              - name: second
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sh", "-c", "test -f /work/order && echo second >> /work/order"]
                volumeMounts: [{name: work, mountPath: /work}]
              containers:
              - name: app
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                command: ["sh", "-c", "echo app >> /work/order; exec sleep 3600"]
                volumeMounts: [{name: work, mountPath: /work}]
            """);
        await ns.WaitForReadyAsync("ordered");
        Assert.Equal("first\nsecond\napp", await ns.ShAsync("ordered", "cat /work/order"));
        Assert.Equal("True", await ns.GetAsync("pod/ordered", "{.status.conditions[?(@.type==\"Initialized\")].status}"));
        Assert.Equal("Completed Completed", await ns.GetAsync("pod/ordered", "{.status.initContainerStatuses[*].state.terminated.reason}"));
        Assert.Equal("0 0", await ns.GetAsync("pod/ordered", "{.status.initContainerStatuses[*].state.terminated.exitCode}"));
        Assert.Equal("0", await ns.GetAsync("pod/ordered", "{.status.containerStatuses[0].restartCount}"));
    }

    [Fact]
    public async Task Pod_ips_come_from_the_pod_cidr_of_their_node()
    {
        await using var ns = await LabNamespace.CreateAsync(cluster, "podip");
        await ns.ApplyAsync(LabManifests.Sleeper("on-h1", "  nodeSelector: {kubernetes.io/hostname: h1}"));
        await ns.ApplyAsync(LabManifests.Sleeper("on-h2", "  nodeSelector: {kubernetes.io/hostname: h2}"));
        var ips = new List<IPAddress>();
        foreach (var (pod, node) in new[] { ("on-h1", "h1"), ("on-h2", "h2") })
        {
            await ns.WaitForPhaseAsync(pod, "Running");
            var cidr = IPNetwork.Parse(await cluster.OkAsync(LabNamespace.Kubectl, "get", "node", node, "-o", "jsonpath={.spec.podCIDR}"));
            var podIp = IPAddress.Parse(await ns.GetAsync($"pod/{pod}", "{.status.podIP}"));
            Assert.True(cidr.Contains(podIp), $"pod {pod} has IP {podIp}, outside {node}'s podCIDR {cidr}");
            Assert.Equal(podIp.ToString(), await ns.GetAsync($"pod/{pod}", "{.status.podIPs[0].ip}"));
            Assert.Contains($"inet {podIp}/", await ns.ShAsync(pod, "ip -4 addr show eth0"), StringComparison.Ordinal);
            ips.Add(podIp);
        }

        Assert.NotEqual(ips[0], ips[1]);
    }
}
