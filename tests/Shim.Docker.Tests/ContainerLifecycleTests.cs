using System.Text.Json.Nodes;

namespace Shim.Docker.Tests;

public sealed class ContainerLifecycleTests : DockerTestBase
{
    [Fact]
    public async Task Info_and_version_describe_the_daemon()
    {
        var info = await Docker.InfoAsync(Timeout());
        var version = await Docker.VersionAsync(Timeout());

        Assert.False(string.IsNullOrEmpty(info["ID"]?.ToString()));
        Assert.Equal("linux", info["OSType"]?.ToString());
        var apiVersion = Version.Parse(version["ApiVersion"]!.ToString());
        Assert.True(apiVersion >= Version.Parse(DockerClient.ApiVersion), $"dockerd speaks API {apiVersion}");
    }

    [Fact]
    public async Task A_started_container_is_inspected_and_waited_for_with_its_exit_code()
    {
        var id = await CreateAsync(Config("sh", "-c", "exit 3"));
        var created = await Docker.InspectContainerAsync(id, Timeout());
        Assert.Equal("created", created!["State"]!["Status"]!.ToString());

        await Docker.StartContainerAsync(id, Timeout());
        var exitCode = await Docker.WaitContainerAsync(id, Timeout());

        Assert.Equal(3, exitCode);
        var exited = await Docker.InspectContainerAsync(id, Timeout());
        Assert.Equal("exited", exited!["State"]!["Status"]!.ToString());
        Assert.Equal(3, exited["State"]!["ExitCode"]!.GetValue<int>());
        Assert.Equal(TestId, exited["Config"]!["Labels"]!["shim.test"]!.ToString());
    }

    [Fact]
    public async Task Containers_are_listed_by_label_running_only_unless_all()
    {
        var running = await RunAsync("sleep", "300");
        var stopped = await CreateAsync(Config("true"));
        var otherLabel = Config("sleep", "300");
        otherLabel["Labels"]!["shim.test"] = TestId + "-other";
        await CreateAsync(otherLabel);
        var labels = new Dictionary<string, string> { ["shim.test"] = TestId };

        var all = await Docker.ListContainersAsync(labels, all: true, Timeout());
        var runningOnly = await Docker.ListContainersAsync(labels, all: false, Timeout());

        Assert.Equal(new[] { running, stopped }.Order(), all.Select(c => c["Id"]!.ToString()).Order());
        Assert.Equal([running], runningOnly.Select(c => c["Id"]!.ToString()));
        Assert.Equal("running", runningOnly[0]["State"]!.ToString());
    }

    [Fact]
    public async Task Stop_ends_a_running_container_and_repeating_start_or_stop_is_harmless()
    {
        var id = await RunAsync("sleep", "300");
        await Docker.StartContainerAsync(id, Timeout()); // 304: already started

        await Docker.StopContainerAsync(id, 1, Timeout());
        await Docker.StopContainerAsync(id, 1, Timeout()); // 304: already stopped

        var state = (await Docker.InspectContainerAsync(id, Timeout()))!["State"]!;
        Assert.False(state["Running"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Kill_sends_the_signal_and_killing_a_stopped_container_is_harmless()
    {
        var id = await RunAsync("sleep", "300");

        await Docker.KillContainerAsync(id, "SIGKILL", Timeout());
        var exitCode = await Docker.WaitContainerAsync(id, Timeout());
        await Docker.KillContainerAsync(id, "SIGKILL", Timeout()); // 409: not running

        Assert.Equal(137, exitCode);
    }

    [Fact]
    public async Task Removed_containers_are_gone_and_removing_again_is_harmless()
    {
        var id = await RunAsync("sleep", "300");

        await Docker.RemoveContainerAsync(id, force: true, removeVolumes: true, Timeout());
        await Docker.RemoveContainerAsync(id, force: true, removeVolumes: true, Timeout()); // 404

        Assert.Null(await Docker.InspectContainerAsync(id, Timeout()));
    }

    [Fact]
    public async Task A_taken_name_is_a_conflict_with_dockers_message()
    {
        await CreateAsync(Config("true"), "dup");

        var error = await Assert.ThrowsAsync<DockerException>(() => CreateAsync(Config("true"), "dup"));

        Assert.True(error.IsConflict);
        Assert.Contains("is already in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_carry_the_status_and_dockers_message()
    {
        var missing = $"shimtest-{TestId}-missing";

        var notFound = await Assert.ThrowsAsync<DockerException>(() => Docker.StartContainerAsync(missing, Timeout()));
        var badImage = await Assert.ThrowsAsync<DockerException>(() => CreateAsync(new JsonObject { ["Image"] = "shim/absent-image:nope" }));

        Assert.True(notFound.IsNotFound);
        Assert.Equal($"No such container: {missing}", notFound.Message);
        Assert.Equal(404, badImage.StatusCode);
        Assert.Contains("No such image", badImage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_report_memory_and_cpu_of_a_running_container_and_null_for_a_missing_one()
    {
        var id = await RunAsync("sleep", "300");

        var stats = await Docker.StatsAsync(id, Timeout());
        var missing = await Docker.StatsAsync($"shimtest-{TestId}-missing", Timeout());

        Assert.NotNull(stats!["memory_stats"]);
        Assert.NotNull(stats["cpu_stats"]!["cpu_usage"]);
        Assert.Equal($"/shimtest-{TestId}-0", stats["name"]!.ToString());
        Assert.Null(missing);
    }

    [Fact]
    public async Task Resizing_a_container_tty_succeeds_and_a_missing_container_is_not_found()
    {
        var config = Config("sleep", "300");
        config["Tty"] = true;
        var id = await CreateAsync(config);
        await Docker.StartContainerAsync(id, Timeout());

        await Docker.ResizeContainerTtyAsync(id, 30, 90, Timeout());
        var error = await Assert.ThrowsAsync<DockerException>(() => Docker.ResizeContainerTtyAsync($"shimtest-{TestId}-missing", 30, 90, Timeout()));

        Assert.True(error.IsNotFound);
    }
}
