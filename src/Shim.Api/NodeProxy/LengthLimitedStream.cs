namespace Shim.Api.NodeProxy;

/// <summary>Reads exactly Content-Length bytes of a body.</summary>
internal sealed class LengthLimitedStream(Stream inner, long length) : ReadOnlyStream
{
    private long _remaining = length;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining == 0)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
        _remaining -= read;
        return read;
    }
}
