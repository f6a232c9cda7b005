using System.Globalization;
using System.Text;

namespace Shim.Controllers.Job;

/// <summary>
/// The compressed index lists of an Indexed Job's status (completedIndexes "0-2,4"): ascending, ranges of
/// consecutive indexes joined by a dash, singles alone. Values outside [0, completions) are dropped when reading.
/// </summary>
public static class CompletionIndexes
{
    public static SortedSet<int> Parse(string? text, int completions)
    {
        var result = new SortedSet<int>();
        if (string.IsNullOrEmpty(text))
        {
            return result;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = dash < 0 ? part : part[..dash];
            var last = dash < 0 ? part : part[(dash + 1)..];
            if (!int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var from) ||
                !int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var to))
            {
                continue;
            }

            for (var i = from; i <= to && i < completions; i++)
            {
                result.Add(i);
            }
        }

        return result;
    }

    public static string Format(IEnumerable<int> indexes)
    {
        var text = new StringBuilder();
        int? start = null, previous = null;
        foreach (var index in indexes.Distinct().Order())
        {
            if (previous is { } p && index == p + 1)
            {
                previous = index;
                continue;
            }

            Append(text, start, previous);
            start = previous = index;
        }

        Append(text, start, previous);
        return text.ToString();
    }

    private static void Append(StringBuilder text, int? start, int? end)
    {
        if (start is not { } s || end is not { } e)
        {
            return;
        }

        if (text.Length > 0)
        {
            text.Append(',');
        }

        text.Append(s.ToString(CultureInfo.InvariantCulture));
        if (e > s)
        {
            text.Append('-').Append(e.ToString(CultureInfo.InvariantCulture));
        }
    }
}
