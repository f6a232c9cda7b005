using System.Threading.Channels;

namespace Shim.Streaming.RemoteCommand;

/// <summary>
/// The client's side of a session as streams. Each is null when the client did not ask for it. <see cref="Stdin"/>
/// reads return 0 once the client closed its stdin (SPDY half-close, WebSocket v5 close message) or went away.
/// Writing to <see cref="Stdout"/>/<see cref="Stderr"/> sends at once; the server closes them after the target returns.
/// </summary>
public sealed class RemoteCommandStreams
{
    public RemoteCommandStreams(Stream? stdin, Stream? stdout, Stream? stderr, bool tty, ChannelReader<TerminalSize> resizes)
    {
        Stdin = stdin;
        Stdout = stdout;
        Stderr = stderr;
        Tty = tty;
        Resizes = resizes;
    }

    public Stream? Stdin { get; }

    public Stream? Stdout { get; }

    public Stream? Stderr { get; }

    public bool Tty { get; }

    /// <summary>Terminal sizes in the order the client sent them (tty sessions only; the first comes right after connecting).</summary>
    public ChannelReader<TerminalSize> Resizes { get; }
}
