namespace Shim.Docker;

/// <summary>Query of GET /containers/{id}/logs.</summary>
public sealed record LogsOptions
{
    public bool Stdout { get; init; } = true;
    public bool Stderr { get; init; } = true;
    public bool Follow { get; init; }
    public bool Timestamps { get; init; }

    /// <summary>Unix seconds; 0 means from the start.</summary>
    public long Since { get; init; }

    /// <summary>Number of lines from the end, or null for all.</summary>
    public int? Tail { get; init; }
}
