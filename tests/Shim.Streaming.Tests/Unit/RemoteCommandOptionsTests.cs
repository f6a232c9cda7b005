using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Shim.Streaming.RemoteCommand;

namespace Shim.Streaming.Tests.Unit;

public sealed class RemoteCommandOptionsTests
{
    [Fact]
    public void ParsesFlagsAsTheApiServerDoes()
    {
        var options = RemoteCommandServer.ParseOptions(Query("command=sh&command=-c&command=echo%20hi&stdin=True&stdout=1&stderr=&container=c"));
        Assert.True(options.Stdin);
        Assert.True(options.Stdout);
        Assert.True(options.Stderr); // empty counts as true
        Assert.Equal(["sh", "-c", "echo hi"], options.Command);
        Assert.Equal("c", options.Container);
    }

    [Fact]
    public void TtyDropsStderrAndKubeletNamesWork()
    {
        var options = RemoteCommandServer.ParseOptions(Query("input=1&output=1&error=1&tty=1"));
        Assert.True(options.Tty && options.Stdin && options.Stdout);
        Assert.False(options.Stderr);
    }

    [Fact]
    public void RefusesARequestWithoutStreams()
    {
        var error = Assert.Throws<StreamRequestException>(() => RemoteCommandServer.ParseOptions(Query("command=ls&stdout=false&stdin=0")));
        Assert.Contains("at least 1 of stdin, stdout, stderr", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodesResizeMessagesSplitAndJoinedArbitrarily()
    {
        var decoder = new TerminalSizeDecoder();
        Assert.Empty(decoder.Feed("{\"Width\":8"u8));
        Assert.Equal([new TerminalSize(80, 24)], decoder.Feed("0,\"Height\":24}\n{\"Width\":1"u8));
        Assert.Equal([new TerminalSize(100, 40), new TerminalSize(1, 2)], decoder.Feed("00,\"Height\":40}{\"Width\":1,\"Height\":2}\n"u8));
    }

    [Fact]
    public void ExitStatusFollowsMetav1Status()
    {
        Assert.Equal("""{"metadata":{},"status":"Success"}""",
            System.Text.Encoding.UTF8.GetString(ExitStatus.ForExitCode(0, RemoteCommandProtocol.V5)!));
        var failure = System.Text.Encoding.UTF8.GetString(ExitStatus.ForExitCode(3, RemoteCommandProtocol.V4)!);
        Assert.Contains("\"reason\":\"NonZeroExitCode\"", failure, StringComparison.Ordinal);
        Assert.Contains("\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]", failure, StringComparison.Ordinal);
        Assert.Null(ExitStatus.ForExitCode(0, RemoteCommandProtocol.V2)); // text protocols: success is silence
    }

    private static QueryCollection Query(string query) => new(QueryHelpers.ParseQuery(query));
}
