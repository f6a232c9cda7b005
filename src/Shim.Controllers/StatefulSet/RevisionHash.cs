using System.Globalization;
using System.Text;

namespace Shim.Controllers.StatefulSet;

/// <summary>
/// The short, DNS-safe hash controller revisions are named by: FNV-32a over the revision's content and the owner's
/// collisionCount, written in decimal and mapped onto the consonant-and-digit alphabet upstream uses (no vowels, so a
/// hash never spells a word). The collision count changes the name when two contents hash alike.
/// </summary>
internal static class RevisionHash
{
    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Compute(string content, int? collisionCount)
    {
        const uint offset = 2166136261;
        const uint prime = 16777619;
        var hash = offset;
        foreach (var b in Encoding.UTF8.GetBytes(content))
        {
            hash = unchecked((hash ^ b) * prime);
        }

        if (collisionCount is { } count)
        {
            foreach (var b in BitConverter.GetBytes((uint)count))
            {
                hash = unchecked((hash ^ b) * prime);
            }
        }

        var digits = hash.ToString(CultureInfo.InvariantCulture);
        var safe = new StringBuilder(digits.Length);
        foreach (var c in digits)
        {
            safe.Append(SafeAlphabet[c % SafeAlphabet.Length]);
        }

        return safe.ToString();
    }
}
