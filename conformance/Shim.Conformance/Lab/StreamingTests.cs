using System.Diagnostics;
using System.Net.Http;
using Xunit;

namespace Shim.Conformance.Lab;

/// <summary>
/// kubectl logs, exec, attach, cp and port-forward against pods on lab hosts, through the API server to the agent,
/// with every kubectl version and both wire protocols (WebSocket, and SPDY as kubectl 1.27 and the fallback use).
/// </summary>
[Collection("lab")]
public sealed class StreamingTests(LabCluster cluster)
{
    private static readonly SemaphoreSlim Setup = new(1, 1);
    private static string? _namespace;

    /// <summary>Each kubectl version with each protocol it can speak: (version, forceSpdy).</summary>
    public static TheoryData<string, bool> Protocols() => new()
    {
        { "1.27", false },
        { "1.32", false },
        { "1.32", true },
        { "1.35", false },
        { "1.35", true },
    };

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Exec_runs_commands_with_stdin_stdout_stderr_and_exit_codes(string version, bool spdy)
    {
        var ns = await NamespaceAsync();
        var output = await RunAsync(version, spdy, null, "-n", ns, "exec", "web", "--", "sh", "-c", "echo out; echo err >&2; hostname");
        Assert.Equal(0, output.ExitCode);
        Assert.Contains("out", output.Stdout, StringComparison.Ordinal);
        Assert.Contains("err", output.Stderr, StringComparison.Ordinal);
        Assert.Contains("web", output.Stdout, StringComparison.Ordinal);

        var echoed = await RunAsync(version, spdy, "line one\nline two\n", "-n", ns, "exec", "-i", "web", "--", "cat");
        Assert.Equal("line one\nline two\n", echoed.Stdout);

        var failed = await RunAsync(version, spdy, null, "-n", ns, "exec", "web", "--", "sh", "-c", "exit 7");
        Assert.Equal(7, failed.ExitCode);
        Assert.Contains("command terminated with exit code 7", failed.Stderr, StringComparison.Ordinal);

        var missing = await RunAsync(version, spdy, null, "-n", ns, "exec", "web", "-c", "nope", "--", "true");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("container nope is not valid for pod web", missing.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Attach_connects_to_the_containers_own_stdin_and_stdout(string version, bool spdy)
    {
        var ns = await NamespaceAsync();
        var pod = $"attach-{version.Replace(".", "", StringComparison.Ordinal)}-{(spdy ? "spdy" : "ws")}";
        await cluster.OkWithInputAsync(version, $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: {{pod}}, namespace: {{ns}}}
            spec:
              restartPolicy: Never
              containers:
              - name: reader
                image: shim/busybox:1.35
                imagePullPolicy: IfNotPresent
                stdin: true
                stdinOnce: true
                command: ["sh", "-c", "read line; echo got $line"]
            """, "apply", "-f", "-");
        await cluster.OkAsync(version, "-n", ns, "wait", "--for=condition=Ready", $"pod/{pod}", "--timeout=60s");
        var attached = await RunAsync(version, spdy, "hello\n", "-n", ns, "attach", "-i", pod);
        Assert.Contains("got hello", attached.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Tools.KubectlVersions), MemberType = typeof(Tools))]
    public async Task Logs_honour_container_tail_timestamps_limit_previous_and_follow(string version)
    {
        var ns = await NamespaceAsync();
        var all = await cluster.OkAsync(version, "-n", ns, "logs", "web", "-c", "counter");
        Assert.StartsWith("line 1\nline 2\nline 3", all, StringComparison.Ordinal);

        var tail = await cluster.OkAsync(version, "-n", ns, "logs", "web", "-c", "counter", "--tail=1");
        Assert.Single(tail.Split('\n'));

        var stamped = await cluster.OkAsync(version, "-n", ns, "logs", "web", "-c", "counter", "--timestamps", "--tail=1");
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line \d+$", stamped);

        var limited = await cluster.OkAsync(version, "-n", ns, "logs", "web", "-c", "counter", "--limit-bytes=4");
        Assert.Equal("line", limited);

        var noContainer = await cluster.KubectlAsync(version, "-n", ns, "logs", "web", "-c", "nope");
        Assert.NotEqual(0, noContainer.ExitCode);
        Assert.Contains("container nope is not valid for pod web", noContainer.Output, StringComparison.Ordinal);

        var previous = await cluster.KubectlAsync(version, "-n", ns, "logs", "web", "-c", "counter", "--previous");
        Assert.NotEqual(0, previous.ExitCode);
        Assert.Contains("previous terminated container \"counter\" in pod \"web\" not found", previous.Output, StringComparison.Ordinal);

        // Follow: new lines keep arriving until kubectl is stopped.
        var follow = await ProcessRunner.RunAsync("timeout", ["3", Tools.KubectlPath(version), "--kubeconfig", cluster.Server.Kubeconfig, "-n", ns, "logs", "-f", "web", "-c", "counter", "--tail=1"]);
        var lines = follow.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 3, $"expected a followed stream of lines, got:\n{follow.Output}");
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Cp_copies_files_both_ways(string version, bool spdy)
    {
        var ns = await NamespaceAsync();
        var dir = Directory.CreateTempSubdirectory("shim-cp-").FullName;
        try
        {
            var local = Path.Combine(dir, "in.txt");
            var content = $"copied by kubectl {version} {Guid.NewGuid()}\n";
            await File.WriteAllTextAsync(local, content);
            var target = $"/tmp/in-{version}-{spdy}.txt";
            var up = await RunAsync(version, spdy, null, "-n", ns, "cp", local, $"web:{target}", "-c", "web");
            Assert.True(up.ExitCode == 0, up.Output);
            var inside = await RunAsync(version, spdy, null, "-n", ns, "exec", "web", "-c", "web", "--", "cat", target);
            Assert.Equal(content, inside.Stdout);

            var back = Path.Combine(dir, "back.txt");
            var down = await RunAsync(version, spdy, null, "-n", ns, "cp", $"web:{target}", back, "-c", "web");
            Assert.True(down.ExitCode == 0, down.Output);
            Assert.Equal(content, await File.ReadAllTextAsync(back));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Port_forward_reaches_a_port_inside_the_pod(string version, bool spdy)
    {
        var ns = await NamespaceAsync();
        var port = Ports.Free();
        var info = new ProcessStartInfo(Tools.KubectlPath(version)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--kubeconfig", cluster.Server.Kubeconfig, "-n", ns, "port-forward", "pod/web", $"{port}:8080" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = spdy ? "false" : "true";
        using var process = Process.Start(info)!;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            string? body = null;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (body is null && DateTime.UtcNow < deadline)
            {
                try
                {
                    body = await http.GetStringAsync($"http://127.0.0.1:{port}/index.html");
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(200);
                }
            }

            Assert.Equal("served from web\n", body);
            // A second connection through the same forward.
            Assert.Equal("served from web\n", await http.GetStringAsync($"http://127.0.0.1:{port}/index.html"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private Task<ProcessResult> RunAsync(string version, bool spdy, string? stdin, params string[] args)
    {
        var env = new Dictionary<string, string>
        {
            ["KUBECTL_REMOTE_COMMAND_WEBSOCKETS"] = spdy ? "false" : "true",
            ["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = spdy ? "false" : "true",
        };
        return cluster.KubectlWithEnvAsync(version, stdin, env, args);
    }

    /// <summary>One namespace with pod "web" (an httpd and a line counter) for the whole class.</summary>
    private async Task<string> NamespaceAsync()
    {
        await Setup.WaitAsync();
        try
        {
            if (_namespace is not null)
            {
                return _namespace;
            }

            var ns = cluster.NewNamespaceName("stream");
            await cluster.OkAsync("1.32", "create", "namespace", ns);
            await cluster.OkWithInputAsync("1.32", $$"""
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: {{ns}}}
                spec:
                  containers:
                  - name: web
                    image: shim/busybox:1.35
                    imagePullPolicy: IfNotPresent
                    command: ["sh", "-c", "mkdir -p /www && echo served from $(hostname) > /www/index.html && exec httpd -f -p 8080 -h /www"]
                  - name: counter
                    image: shim/busybox:1.35
                    imagePullPolicy: IfNotPresent
                    command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo line $i; sleep 0.5; done"]
                """, "apply", "-f", "-");
            var ready = await cluster.KubectlAsync("1.32", "-n", ns, "wait", "--for=condition=Ready", "pod/web", "--timeout=90s");
            Assert.True(ready.ExitCode == 0, $"{ready.Output}\n{cluster.Logs()}");
            // Let the counter write a few lines.
            await Task.Delay(2000);
            _namespace = ns;
            return ns;
        }
        finally
        {
            Setup.Release();
        }
    }
}
