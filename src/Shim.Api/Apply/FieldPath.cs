using System.Collections;

namespace Shim.Api.Apply;

/// <summary>A path from the root of an object to a field or list item; printed as upstream prints it in conflicts (".spec.replicas").</summary>
public sealed class FieldPath : IReadOnlyList<PathElement>, IEquatable<FieldPath>, IComparable<FieldPath>
{
    private readonly PathElement[] _elements;

    public FieldPath(IEnumerable<PathElement> elements)
    {
        _elements = elements.ToArray();
    }

    public static FieldPath Empty { get; } = new([]);

    /// <summary>A path from parts: strings are field names, ints indices, PathElements as they are.</summary>
    public static FieldPath Of(params object[] parts) => new(parts.Select(p => p switch
    {
        PathElement pe => pe,
        string s => PathElement.Field(s),
        int i => PathElement.IndexOf(i),
        _ => throw new ArgumentException($"unable to make {p} into a path element", nameof(parts)),
    }));

    public int Count => _elements.Length;

    public PathElement this[int index] => _elements[index];

    public FieldPath Append(PathElement element) => new([.. _elements, element]);

    public IEnumerator<PathElement> GetEnumerator() => ((IEnumerable<PathElement>)_elements).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(FieldPath? other) => other is not null && _elements.Length == other._elements.Length && _elements.Zip(other._elements).All(p => p.First.Equals(p.Second));

    public override bool Equals(object? obj) => obj is FieldPath other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var e in _elements)
        {
            hash.Add(e);
        }

        return hash.ToHashCode();
    }

    public int CompareTo(FieldPath? other)
    {
        if (other is null)
        {
            return 1;
        }

        for (var i = 0; ; i++)
        {
            if (i >= Count && i >= other.Count)
            {
                return 0;
            }

            if (i >= Count)
            {
                return -1;
            }

            if (i >= other.Count)
            {
                return 1;
            }

            var c = _elements[i].CompareTo(other._elements[i]);
            if (c != 0)
            {
                return c;
            }
        }
    }

    public override string ToString() => string.Concat(_elements.Select(e => e.ToString()));
}
