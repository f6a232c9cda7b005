using System.Globalization;

namespace Shim.Api.ServiceNetwork;

/// <summary>The range node ports come from (--service-node-port-range), "30000-32767" or a single port.</summary>
public sealed class NodePortRange
{
    private NodePortRange(int first, int size)
    {
        First = first;
        Size = size;
        Offset = StaticBandSize(size);
    }

    public int First { get; }

    public int Size { get; }

    /// <summary>Ports below First + Offset are tried last by random allocation (upstream: min(max(16, size/32), 128)).</summary>
    public int Offset { get; }

    public int Last => First + Size - 1;

    public static NodePortRange Parse(string text)
    {
        var parts = text.Trim().Split('-');
        if (parts.Length is < 1 or > 2 || !TryPort(parts[0], out var first) || !TryPort(parts[^1], out var last) || last < first)
        {
            throw new ArgumentException($"service node port range '{text}' is not a range like 30000-32767");
        }

        return new NodePortRange(first, last - first + 1);
    }

    public bool Contains(long port) => port >= First && port <= Last;

    /// <summary>As upstream prints it in "The range of valid ports is 30000-32767".</summary>
    public override string ToString() => Size == 1
        ? First.ToString(CultureInfo.InvariantCulture)
        : $"{First.ToString(CultureInfo.InvariantCulture)}-{Last.ToString(CultureInfo.InvariantCulture)}";

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;

    private static int StaticBandSize(int size)
    {
        const int Min = 16;
        const int Max = 128;
        const int Step = 32;
        return size <= Min ? 0 : Math.Clamp(size / Step, Min, Max);
    }
}
