using System.Globalization;
using System.Text;

namespace Shim.Docker.Tests;

public sealed class LogsTests : DockerTestBase
{
    [Fact]
    public async Task Logs_of_a_container_without_tty_are_multiplexed_into_stdout_and_stderr()
    {
        var id = await RunAsync("sh", "-c", "echo out1; echo err1 >&2; echo out2");
        await Docker.WaitContainerAsync(id, Timeout());

        await using var logs = await Docker.LogsAsync(id, new LogsOptions(), Timeout());
        var (stdout, stderr) = await ReadOutputAsync(logs, Timeout());

        Assert.Equal("out1\nout2\n", stdout);
        Assert.Equal("err1\n", stderr);
    }

    [Fact]
    public async Task Stdout_only_and_tail_limit_what_is_returned()
    {
        // The pause orders the streams: Docker logs stdout and stderr lines from separate readers.
        var id = await RunAsync("sh", "-c", "seq 1 10; sleep 0.3; echo noise >&2");
        await Docker.WaitContainerAsync(id, Timeout());

        await using var stdoutOnly = await Docker.LogsAsync(id, new LogsOptions { Stderr = false }, Timeout());
        var (allOut, noErr) = await ReadOutputAsync(stdoutOnly, Timeout());
        // The tail counts lines of both streams: the last three are 9, 10 and the stderr line.
        await using var tail = await Docker.LogsAsync(id, new LogsOptions { Tail = 3 }, Timeout());
        var (tailOut, tailErr) = await ReadOutputAsync(tail, Timeout());

        Assert.Equal(string.Concat(Enumerable.Range(1, 10).Select(i => $"{i}\n")), allOut);
        Assert.Equal("", noErr);
        Assert.Equal("9\n10\n", tailOut);
        Assert.Equal("noise\n", tailErr);
    }

    [Fact]
    public async Task Timestamps_prefix_each_line_and_since_drops_older_lines()
    {
        var id = await RunAsync("sh", "-c", "echo early; sleep 2; echo late");
        await Docker.WaitContainerAsync(id, Timeout());

        await using var stamped = await Docker.LogsAsync(id, new LogsOptions { Timestamps = true }, Timeout());
        var lines = (await ReadOutputAsync(stamped, Timeout())).Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        var times = lines.Select(line => DateTimeOffset.Parse(line.Split(' ')[0], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(["early", "late"], lines.Select(line => line.Split(' ')[1]));

        // A second boundary between the two lines: "late" came at least 2 s after "early".
        var since = times[1].ToUnixTimeSeconds();
        await using var recent = await Docker.LogsAsync(id, new LogsOptions { Since = since }, Timeout());
        Assert.Equal("late\n", (await ReadOutputAsync(recent, Timeout())).Stdout);
    }

    [Fact]
    public async Task Follow_delivers_lines_as_they_are_written_and_ends_with_the_container()
    {
        var id = await RunAsync("sh", "-c", "echo first; sleep 2; echo second");

        await using var logs = await Docker.LogsAsync(id, new LogsOptions { Follow = true }, Timeout());
        var frames = new MultiplexedStream(logs);
        var first = await frames.ReadFrameAsync(Timeout());
        var runningAfterFirst = (await Docker.InspectContainerAsync(id, Timeout()))!["State"]!["Running"]!.GetValue<bool>();
        var second = await frames.ReadFrameAsync(Timeout());
        var end = await frames.ReadFrameAsync(Timeout());

        Assert.Equal("first\n", Encoding.UTF8.GetString(first!.Value.Payload.Span));
        Assert.True(runningAfterFirst, "the first line arrived while the container was still running");
        Assert.Equal(MultiplexedFrame.Stdout, second!.Value.StreamType);
        Assert.Equal("second\n", Encoding.UTF8.GetString(second.Value.Payload.Span));
        Assert.Null(end);
    }

    [Fact]
    public async Task Logs_of_a_missing_container_are_not_found()
    {
        var error = await Assert.ThrowsAsync<DockerException>(() => Docker.LogsAsync($"shimtest-{TestId}-missing", new LogsOptions(), Timeout()));

        Assert.True(error.IsNotFound);
    }
}
