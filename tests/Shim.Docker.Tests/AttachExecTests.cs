using System.Text;

namespace Shim.Docker.Tests;

public sealed class AttachExecTests : DockerTestBase
{
    [Fact]
    public async Task Attached_stdin_is_echoed_by_cat_and_closing_it_ends_the_container()
    {
        var config = Config("cat");
        config["OpenStdin"] = true;
        config["StdinOnce"] = true;
        config["AttachStdin"] = true;
        var id = await CreateAsync(config);

        await using var attached = await Docker.AttachAsync(id, stdin: true, stdout: true, stderr: true, tty: false, Timeout());
        await Docker.StartContainerAsync(id, Timeout());
        await attached.WriteAsync("hello\n"u8.ToArray(), Timeout());
        var frames = new MultiplexedStream(attached);
        var echoed = await frames.ReadFrameAsync(Timeout());
        await attached.CloseWriteAsync(Timeout());
        var end = await frames.ReadFrameAsync(Timeout());
        var exitCode = await Docker.WaitContainerAsync(id, Timeout());

        Assert.Equal(MultiplexedFrame.Stdout, echoed!.Value.StreamType);
        Assert.Equal("hello\n", Encoding.UTF8.GetString(echoed.Value.Payload.Span));
        Assert.Null(end);
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task Exec_without_tty_separates_stdout_and_stderr_and_reports_the_exit_code()
    {
        var id = await RunAsync("sleep", "300");

        var execId = await Docker.CreateExecAsync(id, new ExecConfig
        {
            Cmd = ["sh", "-c", "echo \"hi $GREETING from $(pwd)\"; echo oops >&2; exit 5"],
            Env = ["GREETING=hello"],
            WorkingDir = "/bin",
        }, Timeout());
        await using var session = await Docker.StartExecAsync(execId, tty: false, Timeout());
        var (stdout, stderr) = await ReadOutputAsync(session, Timeout());
        var exec = await WaitExecEndedAsync(execId);

        Assert.Equal("hi hello from /bin\n", stdout);
        Assert.Equal("oops\n", stderr);
        Assert.False(exec["Running"]!.GetValue<bool>());
        Assert.Equal(5, exec["ExitCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Closing_the_write_side_of_an_exec_ends_cat_and_its_output_is_still_read()
    {
        var id = await RunAsync("sleep", "300");

        var execId = await Docker.CreateExecAsync(id, new ExecConfig { Cmd = ["cat"], AttachStdin = true }, Timeout());
        await using var session = await Docker.StartExecAsync(execId, tty: false, Timeout());
        await session.WriteAsync("line one\nline two"u8.ToArray(), Timeout());
        await session.CloseWriteAsync(Timeout());
        var (stdout, _) = await ReadOutputAsync(session, Timeout());
        var exec = await WaitExecEndedAsync(execId);

        Assert.Equal("line one\nline two", stdout);
        Assert.Equal(0, exec["ExitCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Exec_with_tty_is_a_raw_stream_that_sees_the_resized_terminal()
    {
        var id = await RunAsync("sleep", "300");

        var execId = await Docker.CreateExecAsync(id, new ExecConfig { Cmd = ["sh"], AttachStdin = true, Tty = true }, Timeout());
        await using var session = await Docker.StartExecAsync(execId, tty: true, Timeout());
        // The process starts just after the upgrade; a resize before that has no terminal to apply to.
        while (!(await Docker.InspectExecAsync(execId, Timeout()))["Running"]!.GetValue<bool>())
        {
            await Task.Delay(20);
        }

        await Docker.ResizeExecAsync(execId, 40, 100, Timeout());
        await session.WriteAsync("stty size; exit 7\n"u8.ToArray(), Timeout());
        var output = await ReadAllTextAsync(session, Timeout());
        var exec = await WaitExecEndedAsync(execId);

        // A TTY echoes the input and turns \n into \r\n; no frame headers.
        Assert.Contains("40 100\r\n", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0001', output);
        Assert.Equal(7, exec["ExitCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Exec_in_a_missing_container_and_attach_to_a_missing_container_are_not_found()
    {
        var missing = $"shimtest-{TestId}-missing";

        var exec = await Assert.ThrowsAsync<DockerException>(() => Docker.CreateExecAsync(missing, new ExecConfig { Cmd = ["true"] }, Timeout()));
        var attach = await Assert.ThrowsAsync<DockerException>(() => Docker.AttachAsync(missing, true, true, true, false, Timeout()));
        var start = await Assert.ThrowsAsync<DockerException>(() => Docker.StartExecAsync("0123456789abcdef", false, Timeout()));

        Assert.True(exec.IsNotFound);
        Assert.True(attach.IsNotFound, attach.Message);
        Assert.Equal($"No such container: {missing}", attach.Message);
        Assert.True(start.IsNotFound, start.Message);
    }
}
