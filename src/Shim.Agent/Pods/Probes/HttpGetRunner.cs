using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Shim.Model.Core.V1;

namespace Shim.Agent.Pods.Probes;

/// <summary>Performs the GET of an httpGet probe or hook the way the kubelet does.</summary>
internal static class HttpGetRunner
{
    /// <summary>The kubelet reads at most 10 KiB of a response body.</summary>
    public const int MaxBodyBytes = 10 * 1024;

    /// <summary>The kubelet's User-Agent is kube-PURPOSE/MAJOR.MINOR; we present the Kubernetes version we serve.</summary>
    public const string KubernetesVersion = "1.34";

    private const int MaxRedirects = 10;

    // One client for all probes: connections are not reused (Connection: close on every request, as the kubelet
    // disables keep-alives), so sharing only saves handler setup.
    private static readonly HttpClient Client = new(CreateHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// GETs the action's URL, following redirects only while they stay on the same host (up to 10). A null
    /// <paramref name="timeout"/> means no timeout of its own (hooks are bounded by <paramref name="cancellationToken"/>).
    /// </summary>
    public static async Task<HttpGetResult> GetAsync(
        HTTPGetAction action, ProbeContext context, string userAgentPurpose, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var port = ProbeTarget.ResolvePort(action.Port, context.Container, out var portError);
        if (port is null)
        {
            return new HttpGetResult(null, "", portError, false);
        }

        var scheme = string.IsNullOrEmpty(action.Scheme) ? "http" : action.Scheme.ToLowerInvariant();
        var host = ProbeTarget.HostOrPodIp(action.Host, context);
        var path = action.Path ?? "";
        var display = $"{scheme}://{ProbeTarget.JoinHostPort(host, port.Value)}{(path.Length == 0 || path.StartsWith('/') ? path : "/" + path)}";
        if (!Uri.TryCreate(path.Length == 0 ? display + "/" : display, UriKind.Absolute, out var uri))
        {
            return new HttpGetResult(null, "", $"parse {GoText.Quote(display)}: invalid URL", false);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }

        var originalHost = uri.Host;
        for (var redirects = 0; ; redirects++)
        {
            using var request = CreateRequest(uri, action.HttpHeaders, userAgentPurpose);
            HttpResponseMessage response;
            try
            {
                response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
            {
                return new HttpGetResult(null, "", $"Get {GoText.Quote(display)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)", false);
            }
            catch (HttpRequestException error)
            {
                return new HttpGetResult(null, "", $"Get {GoText.Quote(display)}: {DescribeTransportError(error, uri)}", false);
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    if (!string.Equals(next.Host, originalHost, StringComparison.OrdinalIgnoreCase))
                    {
                        // A redirect off the pod is not followed; the kubelet reports it as a warning, not a failure.
                        return new HttpGetResult(status, await ReadBodyAsync(response, deadline.Token).ConfigureAwait(false), null, true);
                    }

                    if (redirects + 1 >= MaxRedirects)
                    {
                        return new HttpGetResult(null, "", $"Get {GoText.Quote(next.ToString())}: stopped after 10 redirects", false);
                    }

                    uri = next;
                    display = next.ToString();
                    continue;
                }

                try
                {
                    return new HttpGetResult(status, await ReadBodyAsync(response, deadline.Token).ConfigureAwait(false), null, false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
                {
                    return new HttpGetResult(null, "", $"Get {GoText.Quote(display)}: context deadline exceeded (Client.Timeout or context cancellation while reading body)", false);
                }
                catch (Exception error) when (error is HttpRequestException or IOException)
                {
                    return new HttpGetResult(null, "", $"Get {GoText.Quote(display)}: {error.Message}", false);
                }
            }
        }
    }

    private static HttpRequestMessage CreateRequest(Uri uri, List<HTTPHeader>? headers, string userAgentPurpose)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri) { Version = HttpVersion.Version11 };
        request.Headers.ConnectionClose = true;
        var userAgentSet = false;
        var acceptSet = false;
        foreach (var header in headers ?? [])
        {
            if (string.IsNullOrEmpty(header.Name))
            {
                continue;
            }

            var value = header.Value ?? "";
            if (header.Name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                // The Host header overrides the authority the request is sent with, not the address dialled.
                request.Headers.TryAddWithoutValidation("Host", value);
                continue;
            }

            userAgentSet |= header.Name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase);
            acceptSet |= header.Name.Equals("Accept", StringComparison.OrdinalIgnoreCase);

            // An empty value means "send no such header" (the kubelet's rule for Accept; Go drops empty User-Agent too).
            if (value.Length > 0)
            {
                request.Headers.TryAddWithoutValidation(header.Name, value);
            }
        }

        if (!userAgentSet)
        {
            request.Headers.UserAgent.ParseAdd($"kube-{userAgentPurpose}/{KubernetesVersion}");
        }

        if (!acceptSet)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));
        }

        return request;
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxBodyBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, total);
        }
    }

    private static string DescribeTransportError(HttpRequestException error, Uri uri)
    {
        var address = ProbeTarget.JoinHostPort(uri.IdnHost, uri.Port);
        for (Exception? inner = error; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException socket:
                    return GoText.DialError(address, socket);
                case AuthenticationException authentication:
                    return $"tls: {authentication.Message}";
            }
        }

        return error.HttpRequestError switch
        {
            HttpRequestError.ResponseEnded => "EOF",
            HttpRequestError.SecureConnectionError => $"tls: {error.Message}",
            _ => error.Message,
        };
    }

    private static SocketsHttpHandler CreateHandler() => new()
    {
        // Redirects are followed by hand: only those that stay on the probed host.
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.GZip,
        PooledConnectionLifetime = TimeSpan.Zero,
        SslOptions = new SslClientAuthenticationOptions
        {
            // The kubelet probes HTTPS endpoints without verifying their certificates (InsecureSkipVerify).
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
        },
    };
}
