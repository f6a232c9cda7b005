namespace Shim.Streaming.RemoteCommand;

/// <summary>What an exec/attach request asks for (from its query string, see <see cref="RemoteCommandServer.ParseOptions"/>).</summary>
public sealed class RemoteCommandOptions
{
    public bool Stdin { get; init; }

    public bool Stdout { get; init; }

    /// <summary>Always false with <see cref="Tty"/>: a terminal merges stderr into stdout.</summary>
    public bool Stderr { get; init; }

    public bool Tty { get; init; }

    /// <summary>The argv of an exec (empty for attach).</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>The container named in the query, if any (the node agent's URL carries it in the path instead).</summary>
    public string? Container { get; init; }
}
