using System.IO.Pipelines;

namespace Shim.Streaming.Spdy;

/// <summary>
/// One SPDY stream of a <see cref="SpdyConnection"/>. Data from the peer is read from <see cref="Input"/> (end of
/// stream when the peer half-closes, resets, or the connection ends); data to the peer goes through
/// <see cref="WriteAsync"/> or the <see cref="Output"/> adapter.
/// </summary>
public sealed class SpdyStream
{
    /// <summary>Our DATA frames stay small so one busy stream does not hold the connection for long.</summary>
    internal const int MaxDataFrameSize = 32 * 1024;

    private readonly SpdyConnection _connection;
    private readonly Pipe _inbound;
    private readonly CancellationTokenSource _aborted = new();
    private readonly TaskCompletionSource _replied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _localClosed;
    private int _replySent;

    internal SpdyStream(SpdyConnection connection, int id, IReadOnlyDictionary<string, string> headers, int initialSendWindow)
    {
        _connection = connection;
        Id = id;
        Headers = headers;
        SendWindow = initialSendWindow;
        // Bounded: when a consumer falls behind, the connection stops reading the socket (TCP backpressure),
        // since kubectl's spdystream ignores SPDY flow control.
        _inbound = new Pipe(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
        Input = _inbound.Reader.AsStream();
        Output = new WriteOnlyStream(WriteAsync);
    }

    public int Id { get; }

    /// <summary>The SYN_STREAM headers (names case-insensitive).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Data sent by the peer; reads return 0 once the peer half-closed, reset the stream or the connection ended.</summary>
    public Stream Input { get; }

    /// <summary>A write-only stream adapter over <see cref="WriteAsync"/>; disposing it does not close the stream.</summary>
    public Stream Output { get; }

    /// <summary>Cancelled when the peer resets the stream or the connection ends: nothing more can be sent.</summary>
    public CancellationToken Aborted => _aborted.Token;

    public bool IsRemoteClosed { get; private set; }

    public bool IsLocalClosed => Volatile.Read(ref _localClosed) != 0;

    internal int SendWindow { get; set; }

    internal PipeWriter InboundWriter => _inbound.Writer;

    /// <summary>Completes when the peer answered a stream we opened (client role).</summary>
    internal Task Replied => _replied.Task;

    /// <summary>Accepts a stream the peer opened (SYN_REPLY with an empty header block).</summary>
    public Task ReplyAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _replySent, 1) != 0)
        {
            return Task.CompletedTask;
        }
        return _connection.Writer.WriteSynReplyAsync(Id, new Dictionary<string, string>(), 0, cancellationToken);
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            if (_aborted.IsCancellationRequested)
            {
                throw new IOException($"SPDY stream {Id} was reset by the peer or its connection ended");
            }
            if (IsLocalClosed)
            {
                throw new InvalidOperationException($"SPDY stream {Id} is already closed for writing");
            }
            var size = await _connection.AcquireSendWindowAsync(this, Math.Min(data.Length, MaxDataFrameSize), cancellationToken).ConfigureAwait(false);
            await _connection.Writer.WriteDataAsync(Id, data[..size], 0, cancellationToken).ConfigureAwait(false);
            data = data[size..];
        }
    }

    /// <summary>Half-closes our direction (empty DATA with FIN). Does nothing when already closed or aborted.</summary>
    public async Task CloseWriteAsync(CancellationToken cancellationToken)
    {
        if (_aborted.IsCancellationRequested || Interlocked.Exchange(ref _localClosed, 1) != 0)
        {
            return;
        }
        await _connection.Writer.WriteDataAsync(Id, ReadOnlyMemory<byte>.Empty, SpdyFrameFlags.Fin, cancellationToken).ConfigureAwait(false);
        _connection.ForgetIfFinished(this);
    }

    /// <summary>Abandons the stream in both directions (RST_STREAM).</summary>
    public async Task ResetAsync(SpdyStreamStatus status, CancellationToken cancellationToken)
    {
        if (_aborted.IsCancellationRequested)
        {
            return;
        }
        Interlocked.Exchange(ref _localClosed, 1);
        MarkAborted();
        await _connection.Writer.WriteRstStreamAsync(Id, status, cancellationToken).ConfigureAwait(false);
    }

    internal void MarkReplied() => _replied.TrySetResult();

    internal void MarkRemoteClosed()
    {
        IsRemoteClosed = true;
        _inbound.Writer.Complete();
    }

    internal void MarkAborted()
    {
        IsRemoteClosed = true;
        _inbound.Writer.Complete();
        _replied.TrySetException(new IOException($"SPDY stream {Id} was reset or its connection ended"));
        _ = _replied.Task.Exception; // observed: nobody may be waiting for the reply
        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already torn down.
        }
    }
}
