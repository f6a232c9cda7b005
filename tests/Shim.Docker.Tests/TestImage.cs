using System.Diagnostics;

namespace Shim.Docker.Tests;

/// <summary>
/// The workload image of the tests, built from Debian's static busybox when absent (no registry outside this machine
/// is reachable): FROM scratch + /bin/busybox + its applet links.
/// </summary>
public static class TestImage
{
    public const string Name = "shim/busybox:1.35";

    private static readonly Lazy<Task> Ensured = new(BuildIfAbsentAsync);

    public static Task EnsureAsync() => Ensured.Value;

    /// <summary>Runs the docker CLI; throws with its output when it fails.</summary>
    public static async Task<string> DockerCliAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the docker CLI");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }

    private static async Task BuildIfAbsentAsync()
    {
        using var docker = new DockerClient(DockerEndpoint.DefaultUnixEndpoint);
        if (await docker.InspectImageAsync(Name, CancellationToken.None) is not null)
        {
            return;
        }

        var context = Directory.CreateTempSubdirectory("shim-busybox-");
        try
        {
            File.Copy("/usr/bin/busybox", Path.Combine(context.FullName, "busybox"));
            await File.WriteAllTextAsync(Path.Combine(context.FullName, "Dockerfile"),
                "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\nCMD [\"sh\"]\n");
            await DockerCliAsync("build", "-q", "-t", Name, context.FullName);
        }
        finally
        {
            context.Delete(recursive: true);
        }
    }
}
