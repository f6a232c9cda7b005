using System.Globalization;
using System.Text;

namespace Shim.Api.NodeProxy;

/// <summary>Decodes an HTTP/1.1 chunked body as it arrives (followed logs stream this way).</summary>
internal sealed class ChunkedReadStream(Stream inner) : ReadOnlyStream
{
    private long _chunkLeft;
    private bool _done;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_done)
        {
            return 0;
        }

        if (_chunkLeft == 0)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            var size = line.Split(';')[0].Trim();
            _chunkLeft = long.Parse(size, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (_chunkLeft == 0)
            {
                _done = true;
                return 0;
            }
        }

        var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _chunkLeft)], cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            throw new IOException("the agent ended a chunked body early");
        }

        _chunkLeft -= read;
        if (_chunkLeft == 0)
        {
            await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }

        return read;
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await inner.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 1)
        {
            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)one[0]);
        }

        throw new IOException("the agent ended a chunked body early");
    }
}
