using System.Security.Cryptography;
using System.Text;

namespace Shim.Api.Security;

/// <summary>
/// Static bearer tokens kept in DIR/tokens.csv (token,user,group1;group2), created with one admin token on first start.
/// </summary>
public sealed class TokenStore
{
    private readonly Dictionary<string, UserInfo> _tokens;

    private TokenStore(Dictionary<string, UserInfo> tokens, string adminToken)
    {
        _tokens = tokens;
        AdminToken = adminToken;
    }

    public string AdminToken { get; }

    public static TokenStore LoadOrCreate(string directory)
    {
        var path = Path.Combine(directory, "tokens.csv");
        if (!File.Exists(path))
        {
            var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
            File.WriteAllText(path, $"{token},system:admin,system:masters\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        var tokens = new Dictionary<string, UserInfo>(StringComparer.Ordinal);
        string? admin = null;
        foreach (var line in File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var parts = line.Split(',');
            if (parts.Length < 2)
            {
                continue;
            }

            var groups = parts.Length > 2 ? parts[2].Split(';', StringSplitOptions.RemoveEmptyEntries) : [];
            tokens[parts[0]] = new UserInfo(parts[1], groups);
            admin ??= groups.Contains("system:masters") ? parts[0] : null;
        }

        return new TokenStore(tokens, admin ?? "");
    }

    public UserInfo? Find(string token)
    {
        // Constant-time comparison so tokens cannot be probed by timing.
        var bytes = Encoding.UTF8.GetBytes(token);
        foreach (var (candidate, user) in _tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), bytes))
            {
                return user;
            }
        }

        return null;
    }
}
