using System.Net.Sockets;
using Shim.Agent.Pods.Inputs;

namespace Shim.Agent.Tests.Inputs;

public sealed class HostPathVolumeTests : IDisposable
{
    private const string PodUid = "0b7f6d0e-1c1e-4a57-a1c4-000000000003";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task DirectoryOrCreateAndUntypedPathsAreCreatedAndBoundAsTheyAre()
    {
        var created = Path.Join(_temp.Path, "host", "data");
        var untyped = Path.Join(_temp.Path, "host", "untyped");

        var volumes = await PrepareAsync($$"""
            - name: data
              hostPath:
                path: {{created}}
                type: DirectoryOrCreate
            - name: untyped
              hostPath:
                path: {{untyped}}
            """);

        Assert.Equal(new PreparedVolume(created, ReadOnly: false), volumes["data"]);
        Assert.Equal(new PreparedVolume(untyped, ReadOnly: false), volumes["untyped"]);
        Assert.True(Directory.Exists(created));
        Assert.Equal(Host.Mode("755"), Host.ModeOf(created) & Host.Mode("777"));
        Assert.True(Directory.Exists(untyped));
    }

    [Fact]
    public async Task FileOrCreateCreatesAnEmptyFileAndKeepsAnExistingOne()
    {
        var created = Path.Join(_temp.Path, "new.lock");
        var existing = Path.Join(_temp.Path, "existing.conf");
        await File.WriteAllTextAsync(existing, "keep me");

        await PrepareAsync($$"""
            - name: lock
              hostPath:
                path: {{created}}
                type: FileOrCreate
            - name: conf
              hostPath:
                path: {{existing}}
                type: FileOrCreate
            """);

        Assert.Equal("", await File.ReadAllTextAsync(created));
        Assert.Equal(Host.Mode("644"), Host.ModeOf(created));
        Assert.Equal("keep me", await File.ReadAllTextAsync(existing));
    }

    [Fact]
    public async Task TypedPathsThatExistAsTheirTypePass()
    {
        var socketPath = Path.Join(_temp.Path, "agent.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var file = Path.Join(_temp.Path, "file");
        await File.WriteAllTextAsync(file, "x");

        var volumes = await PrepareAsync($$"""
            - name: dir
              hostPath:
                path: {{_temp.Path}}
                type: Directory
            - name: file
              hostPath:
                path: {{file}}
                type: File
            - name: socket
              hostPath:
                path: {{socketPath}}
                type: Socket
            - name: null-device
              hostPath:
                path: /dev/null
                type: CharDevice
            """);

        Assert.Equal(socketPath, volumes["socket"].HostPath);
        Assert.Equal("/dev/null", volumes["null-device"].HostPath);
    }

    [Theory]
    [InlineData("Directory", "absent", "{0}/absent is not a directory")]
    [InlineData("Directory", "file", "{0}/file is not a directory")]
    [InlineData("File", "absent", "{0}/absent is not a file")]
    [InlineData("File", "", "{0} is not a file")]
    [InlineData("DirectoryOrCreate", "file", "{0}/file is not a directory")]
    [InlineData("Socket", "file", "{0}/file is not a socket file")]
    [InlineData("CharDevice", "file", "{0}/file is not a character device")]
    [InlineData("BlockDevice", "file", "{0}/file is not a block device")]
    public async Task PathsOfTheWrongTypeAreAFailedMountWithTheKubeletsMessage(string type, string name, string failure)
    {
        await File.WriteAllTextAsync(Path.Join(_temp.Path, "file"), "x");
        var path = name.Length == 0 ? _temp.Path : Path.Join(_temp.Path, name);

        var error = await Assert.ThrowsAsync<PodInputException>(() => PrepareAsync($$"""
            - name: host
              hostPath:
                path: {{path}}
                type: {{type}}
            """));

        Assert.Equal("FailedMount", error.Reason);
        Assert.Equal($"MountVolume.SetUp failed for volume \"host\" : hostPath type check failed: {string.Format(null, failure, _temp.Path)}", error.Message);
        Assert.False(Directory.Exists(Path.Join(_temp.Path, "absent")));
    }

    private Task<IReadOnlyDictionary<string, PreparedVolume>> PrepareAsync(string volumesYaml) =>
        new PodVolumes(new FakeCluster(), _temp.PodsRoot).PrepareAsync(TestPods.WithVolumes(PodUid, volumesYaml), CancellationToken.None);
}
