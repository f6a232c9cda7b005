namespace Shim.Streaming.RemoteCommand;

/// <summary>A terminal size sent by the client: columns (Docker <c>w</c>) and rows (Docker <c>h</c>).</summary>
public readonly record struct TerminalSize(ushort Width, ushort Height);
