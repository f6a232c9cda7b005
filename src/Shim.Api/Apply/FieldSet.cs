using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shim.Api.Apply;

/// <summary>
/// A set of field paths, stored as a trie the way structured-merge-diff stores it: at each level the elements
/// that are themselves members, and the elements that have members below them. Serializes to and from the
/// FieldsV1 JSON of managedFields byte for byte (children sorted, "." marking a node that is also a member).
/// Set operations return new sets; Insert mutates in place.
/// </summary>
public sealed class FieldSet : IEquatable<FieldSet>
{
    private readonly List<PathElement> _members;
    private readonly List<KeyValuePair<PathElement, FieldSet>> _children;

    public FieldSet()
    {
        _members = [];
        _children = [];
    }

    public FieldSet(IEnumerable<FieldPath> paths)
        : this()
    {
        foreach (var path in paths)
        {
            Insert(path);
        }
    }

    private FieldSet(List<PathElement> members, List<KeyValuePair<PathElement, FieldSet>> children)
    {
        _members = members;
        _children = children;
    }

    public static FieldSet Of(params FieldPath[] paths) => new(paths);

    /// <summary>The elements at this level that are members themselves.</summary>
    public IReadOnlyList<PathElement> Members => _members;

    /// <summary>The elements at this level that have members below them, with their subsets.</summary>
    public IReadOnlyList<KeyValuePair<PathElement, FieldSet>> Children => _children;

    public bool IsEmpty => _members.Count == 0 && _children.All(c => c.Value.IsEmpty);

    /// <summary>The number of paths in the set.</summary>
    public int Size => _members.Count + _children.Sum(c => c.Value.Size);

    public FieldSet Copy() => new([.. _members], _children.Select(c => new KeyValuePair<PathElement, FieldSet>(c.Key, c.Value.Copy())).ToList());

    public void Insert(FieldPath path) => Insert((IReadOnlyList<PathElement>)path);

    public void Insert(IReadOnlyList<PathElement> path)
    {
        if (path.Count == 0)
        {
            return;
        }

        var set = this;
        for (var i = 0; i < path.Count - 1; i++)
        {
            set = set.Descend(path[i]);
        }

        set.InsertMember(path[^1]);
    }

    internal void InsertMember(PathElement element)
    {
        var at = FindMember(element);
        if (at < 0)
        {
            _members.Insert(~at, element);
        }
    }

    /// <summary>The subset under an element, created when missing.</summary>
    internal FieldSet Descend(PathElement element)
    {
        var at = FindChild(element);
        if (at >= 0)
        {
            return _children[at].Value;
        }

        var set = new FieldSet();
        _children.Insert(~at, new KeyValuePair<PathElement, FieldSet>(element, set));
        return set;
    }

    public bool Has(FieldPath path) => Has((IReadOnlyList<PathElement>)path);

    public bool Has(IReadOnlyList<PathElement> path)
    {
        if (path.Count == 0)
        {
            return false;
        }

        var set = this;
        for (var i = 0; i < path.Count - 1; i++)
        {
            var at = set.FindChild(path[i]);
            if (at < 0)
            {
                return false;
            }

            set = set._children[at].Value;
        }

        return set.FindMember(path[^1]) >= 0;
    }

    public bool HasMember(PathElement element) => FindMember(element) >= 0;

    /// <summary>The subset under an element (empty when there is none).</summary>
    public FieldSet WithPrefix(PathElement element)
    {
        var at = FindChild(element);
        return at >= 0 ? _children[at].Value : new FieldSet();
    }

    /// <summary>Every path, members of a level before the levels below, each in element order.</summary>
    public IEnumerable<FieldPath> Paths => Iterate([]);

    private IEnumerable<FieldPath> Iterate(List<PathElement> prefix)
    {
        foreach (var m in _members)
        {
            yield return new FieldPath([.. prefix, m]);
        }

        foreach (var (element, set) in _children)
        {
            prefix.Add(element);
            foreach (var p in set.Iterate(prefix))
            {
                yield return p;
            }

            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    public FieldSet Union(FieldSet other)
    {
        var members = MergeSorted(_members, other._members);
        var children = new List<KeyValuePair<PathElement, FieldSet>>();
        int i = 0, j = 0;
        while (i < _children.Count && j < other._children.Count)
        {
            var c = _children[i].Key.CompareTo(other._children[j].Key);
            if (c < 0)
            {
                children.Add(Entry(_children[i].Key, _children[i].Value.Copy()));
                i++;
            }
            else if (c > 0)
            {
                children.Add(Entry(other._children[j].Key, other._children[j].Value.Copy()));
                j++;
            }
            else
            {
                children.Add(Entry(_children[i].Key, _children[i].Value.Union(other._children[j].Value)));
                i++;
                j++;
            }
        }

        for (; i < _children.Count; i++)
        {
            children.Add(Entry(_children[i].Key, _children[i].Value.Copy()));
        }

        for (; j < other._children.Count; j++)
        {
            children.Add(Entry(other._children[j].Key, other._children[j].Value.Copy()));
        }

        return new FieldSet(members, children);
    }

    public FieldSet Intersection(FieldSet other)
    {
        var members = _members.Where(other.HasMember).ToList();
        var children = new List<KeyValuePair<PathElement, FieldSet>>();
        foreach (var (element, set) in _children)
        {
            var at = other.FindChild(element);
            if (at >= 0)
            {
                var result = set.Intersection(other._children[at].Value);
                if (!result.IsEmpty)
                {
                    children.Add(Entry(element, result));
                }
            }
        }

        return new FieldSet(members, children);
    }

    /// <summary>The paths of this set not in the other; a member of the other does not remove what lies below it.</summary>
    public FieldSet Difference(FieldSet other)
    {
        var members = _members.Where(m => !other.HasMember(m)).ToList();
        var children = new List<KeyValuePair<PathElement, FieldSet>>();
        foreach (var (element, set) in _children)
        {
            var at = other.FindChild(element);
            if (at < 0)
            {
                children.Add(Entry(element, set.Copy()));
                continue;
            }

            var diff = set.Difference(other._children[at].Value);
            if (!diff.IsEmpty)
            {
                children.Add(Entry(element, diff));
            }
        }

        return new FieldSet(members, children);
    }

    /// <summary>Like Difference, but a member of the other set also removes everything below it.</summary>
    public FieldSet RecursiveDifference(FieldSet other)
    {
        var members = _members.Where(m => !other.HasMember(m)).ToList();
        var children = new List<KeyValuePair<PathElement, FieldSet>>();
        foreach (var (element, set) in _children)
        {
            if (other.HasMember(element))
            {
                continue;
            }

            var at = other.FindChild(element);
            if (at < 0)
            {
                children.Add(Entry(element, set.Copy()));
                continue;
            }

            var diff = set.RecursiveDifference(other._children[at].Value);
            if (!diff.IsEmpty)
            {
                children.Add(Entry(element, diff));
            }
        }

        return new FieldSet(members, children);
    }

    /// <summary>Adds as members the nodes that are declared fields of a struct (so removing them removes their subtree).</summary>
    internal FieldSet EnsureNamedFieldsAreMembers(SchemaType? type)
    {
        var members = new List<PathElement>(_members);
        foreach (var (element, _) in _children)
        {
            if (element.Kind == PathElementKind.Field && type is { HasMap: true } && type.HasDeclaredField(element.FieldName!))
            {
                var at = members.BinarySearch(element);
                if (at < 0)
                {
                    members.Insert(~at, element);
                }
            }
        }

        var children = new List<KeyValuePair<PathElement, FieldSet>>();
        foreach (var (element, set) in _children)
        {
            SchemaType? childType = null;
            if (element.Kind == PathElementKind.Field && type is { HasMap: true })
            {
                childType = type.Field(element.FieldName!).Type;
            }
            else if (element.Kind == PathElementKind.Key && type is { HasList: true })
            {
                childType = type.ListElement;
            }

            children.Add(Entry(element, set.EnsureNamedFieldsAreMembers(childType)));
        }

        return new FieldSet(members, children);
    }

    public bool Equals(FieldSet? other)
    {
        if (other is null || _members.Count != other._members.Count || _children.Count != other._children.Count)
        {
            return false;
        }

        for (var i = 0; i < _members.Count; i++)
        {
            if (!_members[i].Equals(other._members[i]))
            {
                return false;
            }
        }

        for (var i = 0; i < _children.Count; i++)
        {
            if (!_children[i].Key.Equals(other._children[i].Key) || !_children[i].Value.Equals(other._children[i].Value))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is FieldSet other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToJsonString());

    /// <summary>One path per line, as upstream's String().</summary>
    public override string ToString() => string.Join("\n", Paths.Select(p => p.ToString()));

    /// <summary>The FieldsV1 bytes exactly as kube-apiserver serves them (Go's HTML-safe JSON escaping).</summary>
    public string ToJsonString()
    {
        var sb = new StringBuilder();
        sb.Append('{');
        EmitContents(sb, includeSelf: false);
        sb.Append('}');
        return sb.ToString();
    }

    /// <summary>The FieldsV1 value as a JSON object (same keys and order as ToJsonString).</summary>
    public JsonObject ToFieldsV1()
    {
        var o = new JsonObject();
        BuildContents(o, includeSelf: false);
        return o;
    }

    private void EmitContents(StringBuilder sb, bool includeSelf)
    {
        var first = true;
        void Key(string key)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            JsonValues.WriteGoString(sb, key, htmlSafe: true);
            sb.Append(':');
        }

        if (includeSelf && !(_members.Count == 0 && _children.Count == 0))
        {
            Key(".");
            sb.Append("{}");
        }

        foreach (var (element, child, member) in Entries())
        {
            Key(element.Serialize());
            if (child is null)
            {
                sb.Append("{}");
            }
            else
            {
                sb.Append('{');
                child.EmitContents(sb, includeSelf: member);
                sb.Append('}');
            }
        }
    }

    private void BuildContents(JsonObject o, bool includeSelf)
    {
        if (includeSelf && !(_members.Count == 0 && _children.Count == 0))
        {
            o["."] = new JsonObject();
        }

        foreach (var (element, child, member) in Entries())
        {
            var inner = new JsonObject();
            child?.BuildContents(inner, includeSelf: member);
            o[element.Serialize()] = inner;
        }
    }

    /// <summary>Members and children interleaved in element order; an element in both appears once.</summary>
    private IEnumerable<(PathElement Element, FieldSet? Child, bool Member)> Entries()
    {
        int mi = 0, ci = 0;
        while (mi < _members.Count && ci < _children.Count)
        {
            var c = _members[mi].CompareTo(_children[ci].Key);
            if (c < 0)
            {
                yield return (_members[mi++], null, true);
            }
            else if (c > 0)
            {
                yield return (_children[ci].Key, _children[ci++].Value, false);
            }
            else
            {
                yield return (_children[ci].Key, _children[ci].Value, true);
                mi++;
                ci++;
            }
        }

        while (mi < _members.Count)
        {
            yield return (_members[mi++], null, true);
        }

        while (ci < _children.Count)
        {
            yield return (_children[ci].Key, _children[ci++].Value, false);
        }
    }

    /// <summary>Parses FieldsV1 JSON text. Throws FormatException when it is not a valid field set.</summary>
    public static FieldSet Parse(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException(e.Message, e);
        }

        return FromFieldsV1(node);
    }

    /// <summary>Reads a FieldsV1 value. Unknown element types are dropped; malformed keys throw FormatException.</summary>
    public static FieldSet FromFieldsV1(JsonNode? fieldsV1)
    {
        if (fieldsV1 is null)
        {
            return new FieldSet();
        }

        if (fieldsV1 is not JsonObject o)
        {
            throw new FormatException("FieldsV1 must be a JSON object");
        }

        return Read(o, out _) ?? new FieldSet();
    }

    private static FieldSet? Read(JsonObject o, out bool isMember)
    {
        isMember = false;
        FieldSet? children = null;
        try
        {
            foreach (var (key, value) in o)
            {
                if (key == ".")
                {
                    isMember = true;
                    continue;
                }

                var element = PathElement.Deserialize(key);
                if (element is null)
                {
                    continue;
                }

                if (value is not JsonObject inner)
                {
                    throw new FormatException($"the value of {key} must be a JSON object");
                }

                var grandchildren = Read(inner, out var childIsMember);
                if (childIsMember)
                {
                    children ??= new FieldSet();
                    children.InsertMember(element);
                }

                if (grandchildren is not null)
                {
                    children ??= new FieldSet();
                    var target = children.Descend(element);
                    var merged = target.Union(grandchildren);
                    target._members.Clear();
                    target._members.AddRange(merged._members);
                    target._children.Clear();
                    target._children.AddRange(merged._children);
                }
            }
        }
        catch (InvalidOperationException e)
        {
            // Duplicate property names surface from System.Text.Json when enumerating.
            throw new FormatException(e.Message, e);
        }

        if (children is null)
        {
            isMember = true;
        }

        return children;
    }

    private int FindMember(PathElement element) => _members.BinarySearch(element);

    private int FindChild(PathElement element)
    {
        int lo = 0, hi = _children.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var c = _children[mid].Key.CompareTo(element);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    private static List<PathElement> MergeSorted(List<PathElement> a, List<PathElement> b)
    {
        var result = new List<PathElement>(a.Count + b.Count);
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            var c = a[i].CompareTo(b[j]);
            if (c < 0)
            {
                result.Add(a[i++]);
            }
            else if (c > 0)
            {
                result.Add(b[j++]);
            }
            else
            {
                result.Add(a[i++]);
                j++;
            }
        }

        result.AddRange(a.Skip(i));
        result.AddRange(b.Skip(j));
        return result;
    }

    private static KeyValuePair<PathElement, FieldSet> Entry(PathElement element, FieldSet set) => new(element, set);
}
