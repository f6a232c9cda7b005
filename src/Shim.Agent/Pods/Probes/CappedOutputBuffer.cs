using System.Text;

namespace Shim.Agent.Pods.Probes;

/// <summary>Keeps the first bytes written, up to a cap, and drops the rest (a probed process may print forever).</summary>
internal sealed class CappedOutputBuffer(int capacity)
{
    private readonly List<byte> _bytes = [];

    public void Append(ReadOnlySpan<byte> data)
    {
        var room = capacity - _bytes.Count;
        if (room > 0)
        {
            _bytes.AddRange(data[..Math.Min(room, data.Length)]);
        }
    }

    public override string ToString() => Encoding.UTF8.GetString([.. _bytes]);
}
