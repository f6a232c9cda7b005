using System.Text;
using Shim.Streaming.Tests.Host;

namespace Shim.Streaming.Tests.EndToEnd;

/// <summary>Real kubectl exec/attach against the streaming servers, per kubectl version and transport.</summary>
public sealed class KubectlExecTests : IClassFixture<KubectlFixture>
{
    private readonly KubectlFixture _fixture;

    public KubectlExecTests(KubectlFixture fixture)
    {
        _fixture = fixture;
    }

    [Theory]
    [MemberData(nameof(KubectlVariant.Names), MemberType = typeof(KubectlVariant))]
    public async Task ExecPrintsOutput(string variantName)
    {
        var variant = KubectlVariant.All[variantName];
        if (!variant.IsInstalled)
        {
            return;
        }
        var (exitCode, stdout, stderr) = await RunAsync(variant, null, "exec", "p1", "--", "echo", "hi");
        Assert.True(exitCode == 0, stderr);
        Assert.Equal("hi\n", stdout);
        AssertTransport(variant, "/exec");
    }

    [Theory]
    [MemberData(nameof(KubectlVariant.Names), MemberType = typeof(KubectlVariant))]
    public async Task ExecReportsExitCode(string variantName)
    {
        var variant = KubectlVariant.All[variantName];
        if (!variant.IsInstalled)
        {
            return;
        }
        var (exitCode, _, stderr) = await RunAsync(variant, null, "exec", "p1", "--", "sh", "-c", "echo oops >&2; exit 3");
        Assert.Equal(3, exitCode);
        Assert.Contains("oops", stderr, StringComparison.Ordinal);
        Assert.Contains("command terminated with exit code 3", stderr, StringComparison.Ordinal);
        AssertTransport(variant, "/exec");
    }

    [Theory]
    [MemberData(nameof(KubectlVariant.Names), MemberType = typeof(KubectlVariant))]
    public async Task ExecPassesStdinUntilEndOfFile(string variantName)
    {
        var variant = KubectlVariant.All[variantName];
        if (!variant.IsInstalled)
        {
            return;
        }
        var (exitCode, stdout, stderr) = await RunAsync(variant, "abc\n", "exec", "-i", "p1", "--", "cat");
        Assert.True(exitCode == 0, stderr);
        Assert.Equal("abc\n", stdout);
        AssertTransport(variant, "/exec");
    }

    [Theory]
    [MemberData(nameof(KubectlVariant.Names), MemberType = typeof(KubectlVariant))]
    public async Task ExecCarriesLargeStdinAndOutput(string variantName)
    {
        var variant = KubectlVariant.All[variantName];
        if (!variant.IsInstalled)
        {
            return;
        }
        // Far beyond SPDY's 64 KiB default window: proves nothing waits on flow control.
        var input = new StringBuilder();
        for (var line = 0; line < 20_000; line++)
        {
            input.Append("line ").Append(line).Append('\n');
        }
        var (exitCode, stdout, stderr) = await RunAsync(variant, input.ToString(), "exec", "-i", "p1", "--", "cat");
        Assert.True(exitCode == 0, stderr);
        Assert.Equal(input.ToString(), stdout);
    }

    [Theory]
    [MemberData(nameof(KubectlVariant.Names), MemberType = typeof(KubectlVariant))]
    public async Task AttachStreamsStdinAndStdout(string variantName)
    {
        var variant = KubectlVariant.All[variantName];
        if (!variant.IsInstalled)
        {
            return;
        }
        var (exitCode, stdout, stderr) = await RunAsync(variant, "attached\n", "attach", "-i", "p1");
        Assert.True(exitCode == 0, stderr);
        Assert.Contains("attached\n", stdout, StringComparison.Ordinal);
        AssertTransport(variant, "/attach");
    }

    [Theory]
    [MemberData(nameof(KubectlVariant.Names), MemberType = typeof(KubectlVariant))]
    public async Task ExecWithTerminalSendsItsSize(string variantName)
    {
        var variant = KubectlVariant.All[variantName];
        if (!variant.IsInstalled || !File.Exists("/usr/bin/script"))
        {
            return;
        }
        // The command outlives kubectl's first resize message (sent right after the streams exist).
        // script(1) gives kubectl a real terminal of a known size, so it asks for a tty and sends resize messages.
        var environment = string.Join(' ', variant.Environment.Select(pair => $"{pair.Key}={pair.Value}"));
        var kubectl = $"{environment} {variant.Binary} --server {_fixture.Api.BaseAddress.ToString().TrimEnd('/')} exec -it p1 -- sh -c 'sleep 1; echo tty-ok'";
        var (exitCode, stdout, stderr) = await KubectlRunner.RunProcessAsync(
            KubectlRunner.ProcessStartInfo("/usr/bin/script", new Dictionary<string, string>(), ["-qec", $"stty cols 101 rows 37; {kubectl}", "/dev/null"]),
            stdin: null);
        _ = exitCode;
        Assert.Contains("tty-ok", stdout + stderr, StringComparison.Ordinal);
        var target = _fixture.Api.LastExecTarget!;
        lock (target.ReceivedSizes)
        {
            Assert.Contains(new Shim.Streaming.RemoteCommand.TerminalSize(101, 37), target.ReceivedSizes);
        }
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(KubectlVariant variant, string? stdin, params string[] arguments) =>
        KubectlRunner.RunAsync(variant.Binary, _fixture.Api.BaseAddress, variant.Environment, stdin, arguments);

    private void AssertTransport(KubectlVariant variant, string subresource)
    {
        var last = _fixture.Api.StreamingRequests.Last(request => request.Contains(subresource, StringComparison.Ordinal));
        Assert.EndsWith(variant.ExpectedUpgrade, last, StringComparison.OrdinalIgnoreCase);
    }
}
