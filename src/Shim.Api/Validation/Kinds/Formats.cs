using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>String format checks of apimachinery's util/validation, returning upstream's problem texts.</summary>
public static partial class Formats
{
    public const string Dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    public const string Dns1123SubdomainFormat = Dns1123LabelFormat + "(\\." + Dns1123LabelFormat + ")*";
    private const string Dns1123LabelWithUnderscoreFormat = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?";
    private const string Dns1123SubdomainWithUnderscoreFormat = Dns1123LabelWithUnderscoreFormat + "(\\." + Dns1123LabelWithUnderscoreFormat + ")*";
    private const string WildcardDns1123SubdomainFormat = "\\*\\." + Dns1123SubdomainFormat;
    private const string ConfigMapKeyFormat = "[-._a-zA-Z0-9]+";
    private const string PercentFormat = "[0-9]+%";
    private const string HttpHeaderNameFormat = "[-A-Za-z0-9]+";
    private const string HttpPathFormat = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";

    [GeneratedRegex("^" + Dns1123LabelFormat + "$")]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex("^" + Dns1123SubdomainFormat + "$")]
    private static partial Regex Dns1123SubdomainRegex();

    [GeneratedRegex("^" + Dns1123SubdomainWithUnderscoreFormat + "$")]
    private static partial Regex Dns1123SubdomainWithUnderscoreRegex();

    [GeneratedRegex("^" + WildcardDns1123SubdomainFormat + "$")]
    private static partial Regex WildcardRegex();

    [GeneratedRegex("^" + ConfigMapKeyFormat + "$")]
    private static partial Regex ConfigMapKeyRegex();

    [GeneratedRegex("^[-a-z0-9]+$")]
    private static partial Regex PortNameCharset();

    [GeneratedRegex("[a-z]")]
    private static partial Regex OneLetter();

    [GeneratedRegex("^" + PercentFormat + "$")]
    private static partial Regex PercentRegex();

    [GeneratedRegex("^" + HttpHeaderNameFormat + "$")]
    private static partial Regex HttpHeaderNameRegex();

    [GeneratedRegex("^" + HttpPathFormat + "$")]
    private static partial Regex HttpPathRegex();

    public static string RegexError(string message, string format, params string[] examples)
    {
        if (examples.Length == 0)
        {
            return message + " (regex used for validation is '" + format + "')";
        }

        var text = message + " (e.g. ";
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                text += " or ";
            }

            text += "'" + examples[i] + "', ";
        }

        return text + "regex used for validation is '" + format + "')";
    }

    public static string MaxLenError(int length) => $"must be no more than {length} characters";

    public static string InclusiveRangeError(long lo, long hi) => $"must be between {lo} and {hi}, inclusive";

    /// <summary>IsDNS1123Label, including the "must not contain dots" variant for subdomain-shaped values.</summary>
    public static List<string> Dns1123Label(string value)
    {
        var errs = new List<string>();
        if (value.Length > 63)
        {
            errs.Add(MaxLenError(63));
        }

        if (!Dns1123LabelRegex().IsMatch(value))
        {
            errs.Add(Dns1123SubdomainRegex().IsMatch(value)
                ? "must not contain dots"
                : RegexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", Dns1123LabelFormat, "my-name", "123-abc"));
        }

        return errs;
    }

    public static List<string> Dns1123Subdomain(string value) => NameRules.Dns1123SubdomainProblems(value);

    public static List<string> Dns1035Label(string value) => NameRules.Dns1035LabelProblems(value);

    public static List<string> QualifiedName(string value) => NameRules.QualifiedNameProblems(value);

    public static List<string> LabelValue(string value) => NameRules.LabelValueProblems(value);

    public static List<string> PathSegmentName(string value) => NameRules.PathSegmentProblems(value);

    public static List<string> Dns1123SubdomainWithUnderscore(string value)
    {
        var errs = new List<string>();
        if (value.Length > 253)
        {
            errs.Add(MaxLenError(253));
        }

        if (!Dns1123SubdomainWithUnderscoreRegex().IsMatch(value))
        {
            errs.Add(RegexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character", Dns1123SubdomainWithUnderscoreFormat, "example.com"));
        }

        return errs;
    }

    public static List<string> WildcardDns1123Subdomain(string value)
    {
        var errs = new List<string>();
        if (value.Length > 253)
        {
            errs.Add(MaxLenError(253));
        }

        if (!WildcardRegex().IsMatch(value))
        {
            errs.Add(RegexError("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", WildcardDns1123SubdomainFormat, "*.example.com"));
        }

        return errs;
    }

    public static List<string> PortNum(long port) => port is >= 1 and <= 65535 ? [] : [InclusiveRangeError(1, 65535)];

    public static List<string> PortName(string port)
    {
        var errs = new List<string>();
        if (port.Length > 15)
        {
            errs.Add(MaxLenError(15));
        }

        if (!PortNameCharset().IsMatch(port))
        {
            errs.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }

        if (!OneLetter().IsMatch(port))
        {
            errs.Add("must contain at least one letter (a-z)");
        }

        if (port.Contains("--", StringComparison.Ordinal))
        {
            errs.Add("must not contain consecutive hyphens");
        }

        if (port.Length > 0 && (port[0] == '-' || port[^1] == '-'))
        {
            errs.Add("must not begin or end with a hyphen");
        }

        return errs;
    }

    /// <summary>IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is on by default).</summary>
    public static List<string> EnvVarName(string value)
    {
        var errs = new List<string>();
        if (value.Length == 0)
        {
            errs.Add("environment variable name must be non-empty");
        }

        if (value.Any(c => c > 127 || c < 32 || c == 127 || c == '='))
        {
            errs.Add("a valid environment variable name must consist only of printable ASCII characters other than '='");
        }

        return errs;
    }

    public static List<string> ConfigMapKey(string value)
    {
        var errs = new List<string>();
        if (value.Length > 253)
        {
            errs.Add(MaxLenError(253));
        }

        if (!ConfigMapKeyRegex().IsMatch(value))
        {
            errs.Add(RegexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", ConfigMapKeyFormat, "key.name", "KEY_NAME", "key-name"));
        }

        if (value == ".")
        {
            errs.Add("must not be '.'");
        }
        else if (value == "..")
        {
            errs.Add("must not be '..'");
        }
        else if (value.StartsWith("..", StringComparison.Ordinal))
        {
            errs.Add("must not start with '..'");
        }

        return errs;
    }

    public static List<string> Percent(string value) =>
        PercentRegex().IsMatch(value) ? [] : [RegexError("a valid percent string must be a numeric string followed by an ending '%'", PercentFormat, "1%", "93%")];

    public static List<string> HttpHeaderName(string value) =>
        HttpHeaderNameRegex().IsMatch(value) ? [] : [RegexError("a valid HTTP header must consist of alphanumeric characters or '-'", HttpHeaderNameFormat, "X-Header-Name")];

    public static List<string> UserId(long id) => id is >= 0 and <= 0xffffffffL ? [] : [InclusiveRangeError(0, 0xffffffffL)];

    /// <summary>IsValidIP: "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)".</summary>
    public static void ValidIp(List<FieldError> errors, string path, string value)
    {
        if (!TryParseIp(value, out _))
        {
            errors.Add(FieldError.Invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
        }
    }

    public static void ValidCidr(List<FieldError> errors, string path, string value)
    {
        if (!TryParseCidr(value, out _, out _))
        {
            errors.Add(FieldError.Invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
        }
    }

    /// <summary>ValidateNonSpecialIP: no unspecified, loopback or link-local addresses.</summary>
    public static void NonSpecialIp(List<FieldError> errors, string path, string value)
    {
        if (!TryParseIp(value, out var ip))
        {
            errors.Add(FieldError.Invalid(path, value, "must be a valid IP address"));
            return;
        }

        var b = ip.GetAddressBytes();
        var v4 = ip.AddressFamily == AddressFamily.InterNetwork ? b : ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4().GetAddressBytes() : null;
        if (v4 is not null)
        {
            if (v4.All(x => x == 0))
            {
                errors.Add(FieldError.Invalid(path, value, $"may not be unspecified ({value})"));
            }

            if (v4[0] == 127)
            {
                errors.Add(FieldError.Invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
            }

            if (v4[0] == 169 && v4[1] == 254)
            {
                errors.Add(FieldError.Invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
            }

            if (v4[0] == 224 && v4[1] == 0 && v4[2] == 0)
            {
                errors.Add(FieldError.Invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
            }

            return;
        }

        if (b.All(x => x == 0))
        {
            errors.Add(FieldError.Invalid(path, value, $"may not be unspecified ({value})"));
        }

        if (IPAddress.IsLoopback(ip))
        {
            errors.Add(FieldError.Invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
        }

        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        {
            errors.Add(FieldError.Invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
        }

        if (b[0] == 0xff && (b[1] & 0x0f) == 0x02)
        {
            errors.Add(FieldError.Invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
        }
    }

    /// <summary>Go's sloppy IP parsing: dotted quads (leading zeros allowed) or IPv6 without zone.</summary>
    public static bool TryParseIp(string value, out IPAddress ip)
    {
        ip = IPAddress.None;
        if (value.Length == 0 || value.Contains('%') || value.Contains('[') || value.Contains('/'))
        {
            return false;
        }

        if (value.Contains(':'))
        {
            if (IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                ip = v6;
                return true;
            }

            return false;
        }

        var parts = value.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var p = parts[i];
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit))
            {
                return false;
            }

            var n = int.Parse(p, CultureInfo.InvariantCulture);
            if (n > 255)
            {
                return false;
            }

            bytes[i] = (byte)n;
        }

        ip = new IPAddress(bytes);
        return true;
    }

    public static bool IsIpv6(string value) => TryParseIp(value, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 && !ip.IsIPv4MappedToIPv6;

    public static bool TryParseCidr(string value, out IPAddress ip, out int prefix)
    {
        ip = IPAddress.None;
        prefix = 0;
        var slash = value.IndexOf('/');
        if (slash < 0)
        {
            return false;
        }

        var bits = value[(slash + 1)..];
        if (!TryParseIp(value[..slash], out ip) || bits.Length == 0 || bits.Length > 3 || !bits.All(char.IsAsciiDigit))
        {
            return false;
        }

        prefix = int.Parse(bits, CultureInfo.InvariantCulture);
        return prefix <= (ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
    }

    /// <summary>Whether the network ip/prefix contains the address.</summary>
    public static bool CidrContains(IPAddress network, int prefix, IPAddress address)
    {
        var a = network.GetAddressBytes();
        var b = address.GetAddressBytes();
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < prefix; i++)
        {
            var mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (b[i / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>IsDomainPrefixedPath: "acme.io/foo" style values.</summary>
    public static void DomainPrefixedPath(List<FieldError> errors, string path, string value)
    {
        if (value.Length == 0)
        {
            errors.Add(FieldError.Required(path, null));
            return;
        }

        var slash = value.IndexOf('/');
        if (slash <= 0 || slash == value.Length - 1)
        {
            errors.Add(FieldError.Invalid(path, value, "must be a domain-prefixed path (such as \"acme.io/foo\")"));
            return;
        }

        var host = value[..slash];
        foreach (var problem in Dns1123Subdomain(host))
        {
            errors.Add(FieldError.Invalid(path, host, problem));
        }

        var rest = value[(slash + 1)..];
        if (!HttpPathRegex().IsMatch(rest))
        {
            errors.Add(FieldError.Invalid(path, rest, RegexError("Invalid path", HttpPathFormat)));
        }
    }
}
