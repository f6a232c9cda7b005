using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Shim.Streaming.Spdy;

/// <summary>
/// A SPDY/3.1 session over a duplex byte stream. The server role accepts streams the client opens
/// (<see cref="IncomingStreams"/>); the client role (used by tests) opens them with <see cref="OpenStreamAsync"/>.
/// PINGs from the peer are echoed. Flow control: kubectl's spdystream neither sends nor honours WINDOW_UPDATE, so
/// sending never waits on a window unless the peer shows it does flow control (sends WINDOW_UPDATE or
/// SETTINGS_INITIAL_WINDOW_SIZE); then windows are honoured and received data is acknowledged.
/// </summary>
public sealed class SpdyConnection : IAsyncDisposable
{
    private const int DefaultWindow = 64 * 1024;
    private const int SettingsInitialWindowSize = 7;

    private readonly bool _isServer;
    private readonly SpdyFrameReader _reader;
    private readonly SpdyHeaderDecompressor _decompressor = new();
    private readonly ConcurrentDictionary<int, SpdyStream> _streams = new();
    private readonly Channel<SpdyStream> _incoming = Channel.CreateUnbounded<SpdyStream>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _windowLock = new();
    private TaskCompletionSource _windowChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private bool _peerUsesFlowControl;
    private int _connectionSendWindow = DefaultWindow;
    private int _initialStreamSendWindow = DefaultWindow;
    private int _lastPeerStreamId;
    private int _nextLocalStreamId;
    private bool _goAwayReceived;
    private int _goAwaySent;

    public SpdyConnection(Stream transport, bool isServer)
    {
        _isServer = isServer;
        _reader = new SpdyFrameReader(transport);
        Writer = new SpdyFrameWriter(transport);
        _nextLocalStreamId = isServer ? 2 : 1;
    }

    /// <summary>Streams opened by the peer, in order; completes when the connection ends.</summary>
    public ChannelReader<SpdyStream> IncomingStreams => _incoming.Reader;

    /// <summary>Completes (never faults) when the connection stops reading: peer closed it, error, or disposal.</summary>
    public Task Completion => _readLoop;

    /// <summary>Why the read loop ended, when it was not a clean end of stream.</summary>
    public Exception? TerminationError { get; private set; }

    internal SpdyFrameWriter Writer { get; }

    public void Start()
    {
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Client role: opens a stream and waits for the peer's SYN_REPLY.</summary>
    public async Task<SpdyStream> OpenStreamAsync(IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        int id;
        SpdyStream stream;
        lock (_windowLock)
        {
            id = _nextLocalStreamId;
            _nextLocalStreamId += 2;
            stream = new SpdyStream(this, id, headers, _initialStreamSendWindow);
            _streams[id] = stream;
        }
        await Writer.WriteSynStreamAsync(id, headers, 0, cancellationToken).ConfigureAwait(false);
        await stream.Replied.WaitAsync(cancellationToken).ConfigureAwait(false);
        return stream;
    }

    /// <summary>Tells the peer no more streams will be accepted (sent once).</summary>
    public async Task GoAwayAsync(SpdyGoAwayStatus status, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _goAwaySent, 1) == 0)
        {
            await Writer.WriteGoAwayAsync(Volatile.Read(ref _lastPeerStreamId), status, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        finally
        {
            _decompressor.Dispose();
            Writer.Dispose();
            _stop.Dispose();
        }
    }

    internal void ForgetIfFinished(SpdyStream stream)
    {
        if (stream.IsLocalClosed && stream.IsRemoteClosed)
        {
            _streams.TryRemove(stream.Id, out _);
        }
    }

    /// <summary>How many bytes of <paramref name="wanted"/> may be sent now (waits only for flow-controlling peers).</summary>
    internal async Task<int> AcquireSendWindowAsync(SpdyStream stream, int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_windowLock)
            {
                if (!_peerUsesFlowControl)
                {
                    return wanted;
                }
                var available = Math.Min(stream.SendWindow, _connectionSendWindow);
                if (available > 0)
                {
                    var granted = Math.Min(available, wanted);
                    stream.SendWindow -= granted;
                    _connectionSendWindow -= granted;
                    return granted;
                }
                changed = _windowChanged.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (stream.Aborted.IsCancellationRequested)
            {
                throw new IOException($"SPDY stream {stream.Id} was reset or its connection ended");
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var frame = await _reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                if (frame == null)
                {
                    break;
                }
                await HandleFrameAsync(frame).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
#pragma warning disable CA1031 // The read loop ends on any failure; the reason is kept for callers that care.
        catch (Exception error)
#pragma warning restore CA1031
        {
            TerminationError = error;
        }
        finally
        {
            foreach (var stream in _streams.Values)
            {
                stream.MarkAborted();
            }
            _streams.Clear();
            _incoming.Writer.TryComplete();
            SignalWindowChange();
        }
    }

    private async Task HandleFrameAsync(SpdyFrame frame)
    {
        var token = _stop.Token;
        switch (frame.Type)
        {
            case SpdyFrameType.Data:
                await HandleDataAsync(frame, token).ConfigureAwait(false);
                break;
            case SpdyFrameType.SynStream:
                await HandleSynStreamAsync(frame, token).ConfigureAwait(false);
                break;
            case SpdyFrameType.SynReply:
                _ = _decompressor.Decompress(frame.Payload.Span[4..]); // keeps the shared zlib state in step
                if (_streams.TryGetValue(frame.StreamId, out var replied))
                {
                    replied.MarkReplied();
                    if (frame.IsFin)
                    {
                        replied.MarkRemoteClosed();
                    }
                }
                break;
            case SpdyFrameType.Headers:
                _ = _decompressor.Decompress(frame.Payload.Span[4..]);
                if (frame.IsFin && _streams.TryGetValue(frame.StreamId, out var finished))
                {
                    finished.MarkRemoteClosed();
                    ForgetIfFinished(finished);
                }
                break;
            case SpdyFrameType.RstStream:
                if (_streams.TryRemove(frame.StreamId, out var reset))
                {
                    reset.MarkAborted();
                    SignalWindowChange();
                }
                break;
            case SpdyFrameType.Settings:
                HandleSettings(frame);
                break;
            case SpdyFrameType.Ping:
                var pingId = BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.Span);
                // Echo only the peer's pings (client odd, server even); ours coming back are replies.
                if (pingId != 0 && (pingId % 2 == 1) == _isServer)
                {
                    await Writer.WritePingAsync(pingId, token).ConfigureAwait(false);
                }
                break;
            case SpdyFrameType.GoAway:
                _goAwayReceived = true;
                _incoming.Writer.TryComplete();
                break;
            case SpdyFrameType.WindowUpdate:
                HandleWindowUpdate(frame);
                break;
            default:
                break; // Unknown control frames are ignored, as the spec asks.
        }
    }

    private async Task HandleSynStreamAsync(SpdyFrame frame, CancellationToken token)
    {
        var headers = SpdyHeaderBlock.Decode(_decompressor.Decompress(frame.Payload.Span[10..]));
        var id = frame.StreamId;
        var peerParity = _isServer ? 1 : 0;
        if (id == 0 || id % 2 != peerParity || id <= _lastPeerStreamId)
        {
            await Writer.WriteRstStreamAsync(id, SpdyStreamStatus.ProtocolError, token).ConfigureAwait(false);
            return;
        }
        Volatile.Write(ref _lastPeerStreamId, id);
        if (_goAwayReceived || Volatile.Read(ref _goAwaySent) != 0)
        {
            await Writer.WriteRstStreamAsync(id, SpdyStreamStatus.RefusedStream, token).ConfigureAwait(false);
            return;
        }
        SpdyStream stream;
        lock (_windowLock)
        {
            stream = new SpdyStream(this, id, headers, _initialStreamSendWindow);
        }
        _streams[id] = stream;
        if (frame.IsFin)
        {
            stream.MarkRemoteClosed();
        }
        await _incoming.Writer.WriteAsync(stream, token).ConfigureAwait(false);
    }

    private async Task HandleDataAsync(SpdyFrame frame, CancellationToken token)
    {
        if (!_streams.TryGetValue(frame.StreamId, out var stream) || stream.IsRemoteClosed)
        {
            // Data for a stream we reset or never knew: the peer may not have seen our RST yet.
            return;
        }
        if (!frame.Payload.IsEmpty)
        {
            // When the consumer is slow this waits, which stops reading the socket (TCP backpressure).
            var result = await stream.InboundWriter.WriteAsync(frame.Payload, token).ConfigureAwait(false);
            _ = result;
            if (Volatile.Read(ref _peerUsesFlowControl))
            {
                await Writer.WriteWindowUpdateAsync(stream.Id, frame.Payload.Length, token).ConfigureAwait(false);
                await Writer.WriteWindowUpdateAsync(0, frame.Payload.Length, token).ConfigureAwait(false);
            }
        }
        if (frame.IsFin)
        {
            stream.MarkRemoteClosed();
            ForgetIfFinished(stream);
        }
    }

    private void HandleSettings(SpdyFrame frame)
    {
        var span = frame.Payload.Span;
        var count = BinaryPrimitives.ReadUInt32BigEndian(span);
        for (var i = 0; i < count && 4 + (8 * (i + 1)) <= span.Length; i++)
        {
            var id = (int)(BinaryPrimitives.ReadUInt32BigEndian(span[(4 + (8 * i))..]) & 0x00FF_FFFF);
            var value = BinaryPrimitives.ReadUInt32BigEndian(span[(8 + (8 * i))..]);
            if (id == SettingsInitialWindowSize && value is > 0 and <= int.MaxValue)
            {
                lock (_windowLock)
                {
                    var delta = (int)value - _initialStreamSendWindow;
                    _initialStreamSendWindow = (int)value;
                    _peerUsesFlowControl = true;
                    foreach (var stream in _streams.Values)
                    {
                        stream.SendWindow += delta;
                    }
                }
                SignalWindowChange();
            }
        }
    }

    private void HandleWindowUpdate(SpdyFrame frame)
    {
        var delta = (int)(frame.SecondWord & 0x7FFF_FFFF);
        lock (_windowLock)
        {
            _peerUsesFlowControl = true;
            if (frame.StreamId == 0)
            {
                _connectionSendWindow = (int)Math.Min((long)_connectionSendWindow + delta, int.MaxValue);
            }
            else if (_streams.TryGetValue(frame.StreamId, out var stream))
            {
                stream.SendWindow = (int)Math.Min((long)stream.SendWindow + delta, int.MaxValue);
            }
        }
        SignalWindowChange();
    }

    private void SignalWindowChange()
    {
        TaskCompletionSource previous;
        lock (_windowLock)
        {
            previous = _windowChanged;
            _windowChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        previous.TrySetResult();
    }
}
