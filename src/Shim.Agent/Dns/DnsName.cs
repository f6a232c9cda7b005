using System.Text;

namespace Shim.Agent.Dns;

/// <summary>
/// Domain names in presentation form without the final dot ("" is the root). Label bytes that would be ambiguous
/// there are escaped as in zone files (<c>\.</c>, <c>\\</c>, <c>\DDD</c>), so any name read off the wire can be written
/// back byte for byte. Comparisons ignore ASCII case, as RFC 4343 requires.
/// </summary>
public static class DnsName
{
    public const int MaxLabelLength = 63;

    /// <summary>The longest name on the wire, length bytes and final zero included (RFC 1035 2.3.4).</summary>
    public const int MaxWireLength = 255;

    /// <summary>Splits a name into its labels, each still in presentation form (escapes kept).</summary>
    public static string[] Labels(string name)
    {
        var trimmed = TrimFinalDot(name);
        if (trimmed.Length == 0)
        {
            return [];
        }

        var labels = new List<string>();
        var start = 0;
        for (var i = 0; i < trimmed.Length; i++)
        {
            if (trimmed[i] == '\\')
            {
                i++; // the escaped character (or the first digit of \DDD) never ends a label
            }
            else if (trimmed[i] == '.')
            {
                labels.Add(trimmed[start..i]);
                start = i + 1;
            }
        }

        labels.Add(trimmed[start..]);
        return [.. labels];
    }

    /// <summary>Joins labels (presentation form) into a name.</summary>
    public static string Join(IEnumerable<string> labels) => string.Join('.', labels);

    public static bool AreEqual(string a, string b) =>
        string.Equals(TrimFinalDot(a), TrimFinalDot(b), StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="name"/> is <paramref name="zone"/> or lies below it.</summary>
    public static bool IsInZone(string name, string zone)
    {
        var nameLabels = Labels(name);
        var zoneLabels = Labels(zone);
        if (zoneLabels.Length > nameLabels.Length)
        {
            return false;
        }

        var offset = nameLabels.Length - zoneLabels.Length;
        for (var i = 0; i < zoneLabels.Length; i++)
        {
            if (!string.Equals(nameLabels[offset + i], zoneLabels[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The wire bytes of each label; throws <see cref="DnsFormatException"/> for names the wire cannot carry.</summary>
    public static List<byte[]> ToWireLabels(string name)
    {
        var result = new List<byte[]>();
        var wireLength = 1;
        foreach (var label in Labels(name))
        {
            var bytes = Unescape(label);
            if (bytes.Length is 0 or > MaxLabelLength)
            {
                throw new DnsFormatException($"label of {bytes.Length} bytes in '{name}'");
            }

            wireLength += bytes.Length + 1;
            result.Add(bytes);
        }

        if (wireLength > MaxWireLength)
        {
            throw new DnsFormatException($"name of {wireLength} bytes");
        }

        return result;
    }

    /// <summary>The presentation form of one label read off the wire.</summary>
    public static string LabelToText(ReadOnlySpan<byte> label)
    {
        var text = new StringBuilder(label.Length);
        foreach (var b in label)
        {
            if (b is (byte)'.' or (byte)'\\')
            {
                text.Append('\\').Append((char)b);
            }
            else if (b is < 0x21 or > 0x7E)
            {
                text.Append('\\').Append(b.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append((char)b);
            }
        }

        return text.ToString();
    }

    private static byte[] Unescape(string label)
    {
        var bytes = new List<byte>(label.Length);
        for (var i = 0; i < label.Length; i++)
        {
            var c = label[i];
            if (c != '\\')
            {
                bytes.Add(c <= 0x7F ? (byte)c : throw new DnsFormatException($"non-ASCII character in label '{label}'"));
                continue;
            }

            if (i + 3 < label.Length && char.IsAsciiDigit(label[i + 1]) && char.IsAsciiDigit(label[i + 2]) && char.IsAsciiDigit(label[i + 3]))
            {
                var value = ((label[i + 1] - '0') * 100) + ((label[i + 2] - '0') * 10) + (label[i + 3] - '0');
                bytes.Add(value <= 255 ? (byte)value : throw new DnsFormatException($"escape out of range in '{label}'"));
                i += 3;
            }
            else if (i + 1 < label.Length && label[i + 1] <= 0x7F)
            {
                bytes.Add((byte)label[++i]);
            }
            else
            {
                throw new DnsFormatException($"bad escape in label '{label}'");
            }
        }

        return [.. bytes];
    }

    /// <summary>Drops a final dot unless it is escaped (preceded by an odd number of backslashes).</summary>
    private static string TrimFinalDot(string name)
    {
        if (!name.EndsWith('.'))
        {
            return name;
        }

        var backslashes = 0;
        for (var i = name.Length - 2; i >= 0 && name[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 0 ? name[..^1] : name;
    }
}
