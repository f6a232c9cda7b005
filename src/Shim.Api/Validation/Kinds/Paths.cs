using Shim.Api.Errors;

namespace Shim.Api.Validation.Kinds;

/// <summary>File path rules for volumes, mounts and projections.</summary>
public static class Paths
{
    public const string FileModeError = "must be a number between 0 and 0777 (octal), both inclusive";

    /// <summary>validatePathNoBacksteps: no ".." element.</summary>
    public static void NoBacksteps(string target, string path, List<FieldError> errors)
    {
        if (target.Replace('\\', '/').Split('/').Contains(".."))
        {
            errors.Add(Err.Invalid(path, target, "must not contain '..'"));
        }
    }

    /// <summary>validateLocalDescendingPath: relative, without "..".</summary>
    public static void LocalDescending(string target, string path, List<FieldError> errors)
    {
        if (target.StartsWith('/'))
        {
            errors.Add(Err.Invalid(path, target, "must be a relative path"));
        }

        NoBacksteps(target, path, errors);
    }

    /// <summary>ValidateLocalNonReservedPath: relative, without "..", not starting with "..".</summary>
    public static void LocalNonReserved(string target, string path, List<FieldError> errors)
    {
        LocalDescending(target, path, errors);
        if (target.StartsWith("..", StringComparison.Ordinal) && !target.StartsWith("../", StringComparison.Ordinal))
        {
            errors.Add(Err.Invalid(path, target, "must not start with '..'"));
        }
    }

    public static void FileMode(long? mode, string path, List<FieldError> errors)
    {
        if (mode is { } m && (m > 511 || m < 0))
        {
            errors.Add(Err.Invalid(path, m, FileModeError));
        }
    }
}
