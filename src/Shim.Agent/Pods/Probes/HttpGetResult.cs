namespace Shim.Agent.Pods.Probes;

/// <summary>
/// What one httpGet action got: either a response (<see cref="StatusCode"/>, the first 10 KiB of <see cref="Body"/>)
/// or a transport <see cref="Error"/> worded like Go's http.Client ("Get \"URL\": ...").
/// </summary>
/// <param name="RedirectNotFollowed">The final response is a redirect to another host, which probes do not follow.</param>
internal sealed record HttpGetResult(int? StatusCode, string Body, string? Error, bool RedirectNotFollowed);
