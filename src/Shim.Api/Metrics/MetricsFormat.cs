using System.Globalization;
using System.Text;

namespace Shim.Api.Metrics;

/// <summary>
/// The textual forms metrics-server's answers use: CPU as a canonical decimal quantity of nanocores ("12345678n",
/// "250m"), memory as a canonical binary quantity of bytes ("1234Ki"), window as a Go duration ("15.012s").
/// </summary>
public static class MetricsFormat
{
    private static readonly string[] DecimalSuffixes = ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"];
    private static readonly string[] BinarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

    /// <summary>Nanocores in canonical DecimalSI form: whole factors of 1000 move into the suffix.</summary>
    public static string Cpu(ulong nanocores)
    {
        if (nanocores == 0)
        {
            return "0";
        }

        var index = 0;
        while (nanocores % 1000 == 0 && index < DecimalSuffixes.Length - 1)
        {
            nanocores /= 1000;
            index++;
        }

        return nanocores.ToString(CultureInfo.InvariantCulture) + DecimalSuffixes[index];
    }

    /// <summary>Bytes in canonical BinarySI form: below 1024 as a plain number, else whole factors of 1024 as Ki, Mi, ....</summary>
    public static string Memory(ulong bytes)
    {
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture);
        }

        var index = 0;
        while (bytes % 1024 == 0 && index < BinarySuffixes.Length - 1)
        {
            bytes /= 1024;
            index++;
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + BinarySuffixes[index];
    }

    /// <summary>A duration as Go's time.Duration.String() writes it (metav1.Duration), e.g. "15.012s", "1m0.5s".</summary>
    public static string GoDuration(TimeSpan duration)
    {
        var nanos = duration.Ticks * 100;
        if (nanos == 0)
        {
            return "0s";
        }

        var text = new StringBuilder();
        if (nanos < 0)
        {
            text.Append('-');
            nanos = -nanos;
        }

        if (nanos < 1_000_000_000)
        {
            // Below a second Go picks the largest unit that keeps an integer part.
            var (unit, size) = nanos < 1_000 ? ("ns", 1L) : nanos < 1_000_000 ? ("µs", 1_000L) : ("ms", 1_000_000L);
            return text.Append(Fraction(nanos, size)).Append(unit).ToString();
        }

        var hours = nanos / 3_600_000_000_000;
        var minutes = nanos / 60_000_000_000 % 60;
        var seconds = nanos % 60_000_000_000;
        if (hours > 0)
        {
            text.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            text.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        return text.Append(Fraction(seconds, 1_000_000_000)).Append('s').ToString();
    }

    /// <summary>value/size with the fraction's trailing zeros dropped.</summary>
    private static string Fraction(long value, long size)
    {
        var whole = (value / size).ToString(CultureInfo.InvariantCulture);
        var rest = value % size;
        if (rest == 0)
        {
            return whole;
        }

        var digits = size.ToString(CultureInfo.InvariantCulture).Length - 1;
        return whole + "." + rest.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
    }
}
