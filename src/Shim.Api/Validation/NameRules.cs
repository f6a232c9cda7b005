using System.Text.RegularExpressions;

namespace Shim.Api.Validation;

/// <summary>The name, label and annotation syntax rules of the Kubernetes API, with upstream's error texts.</summary>
public static partial class NameRules
{
    private const string Dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123SubdomainFormat = Dns1123LabelFormat + "(\\." + Dns1123LabelFormat + ")*";
    private const string Dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string QualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string LabelValueFormat = "(" + QualifiedNameFormat + ")?";

    [GeneratedRegex("^" + Dns1123LabelFormat + "$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^" + Dns1123SubdomainFormat + "$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^" + Dns1035LabelFormat + "$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^" + QualifiedNameFormat + "$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex("^" + LabelValueFormat + "$")]
    private static partial Regex LabelValue();

    public static List<string> Dns1123LabelProblems(string value)
    {
        var problems = new List<string>();
        if (value.Length > 63)
        {
            problems.Add("must be no more than 63 characters");
        }

        if (!Dns1123Label().IsMatch(value))
        {
            problems.Add("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '" + Dns1123LabelFormat + "')");
        }

        return problems;
    }

    public static List<string> Dns1123SubdomainProblems(string value)
    {
        var problems = new List<string>();
        if (value.Length > 253)
        {
            problems.Add("must be no more than 253 characters");
        }

        if (!Dns1123Subdomain().IsMatch(value))
        {
            problems.Add("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" + Dns1123SubdomainFormat + "')");
        }

        return problems;
    }

    public static List<string> Dns1035LabelProblems(string value)
    {
        var problems = new List<string>();
        if (value.Length > 63)
        {
            problems.Add("must be no more than 63 characters");
        }

        if (!Dns1035Label().IsMatch(value))
        {
            problems.Add("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '" + Dns1035LabelFormat + "')");
        }

        return problems;
    }

    public static List<string> PathSegmentProblems(string value)
    {
        var problems = new List<string>();
        if (value is "." or "..")
        {
            problems.Add($"may not be '{value}'");
        }

        if (value.Contains('/'))
        {
            problems.Add("may not contain '/'");
        }

        if (value.Contains('%'))
        {
            problems.Add("may not contain '%'");
        }

        return problems;
    }

    /// <summary>Label and annotation keys: optional DNS subdomain prefix, '/', and a name part.</summary>
    public static List<string> QualifiedNameProblems(string value)
    {
        var problems = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                var prefix = parts[0];
                name = parts[1];
                if (prefix.Length == 0)
                {
                    problems.Add("prefix part must be non-empty");
                }
                else
                {
                    problems.AddRange(Dns1123SubdomainProblems(prefix).Select(p => "prefix part " + p));
                }

                break;
            default:
                problems.Add("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" + QualifiedNameFormat + "') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return problems;
        }

        if (name.Length == 0)
        {
            problems.Add("name part must be non-empty");
        }
        else if (name.Length > 63)
        {
            problems.Add("name part must be no more than 63 characters");
        }

        if (name.Length > 0 && !QualifiedName().IsMatch(name))
        {
            problems.Add("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" + QualifiedNameFormat + "')");
        }

        return problems;
    }

    public static List<string> LabelValueProblems(string value)
    {
        var problems = new List<string>();
        if (value.Length > 63)
        {
            problems.Add("must be no more than 63 characters");
        }

        if (!LabelValue().IsMatch(value))
        {
            problems.Add("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '" + LabelValueFormat + "')");
        }

        return problems;
    }
}
