using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Shim.Agent.Services;

namespace Shim.Agent.Dns;

/// <summary>
/// The node-local cluster DNS server (what CoreDNS is to a kubeadm cluster): UDP and TCP on one address and port,
/// answering the cluster domain from the service catalog and forwarding the rest upstream. Queries run in parallel up
/// to MaxConcurrentQueries; UDP queries past that are dropped (clients retry) and TCP connections past
/// MaxTcpConnections are closed, so load never queues without bound.
/// </summary>
public sealed partial class ClusterDnsServer
{
    private const int ListenBacklog = 128;

    private readonly ClusterDnsOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ClusterDnsResolver _resolver;
    private readonly SemaphoreSlim _queries;
    private readonly SemaphoreSlim _connections;
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClusterDnsServer(ClusterDnsOptions options, IServiceCatalog catalog, ILogger<ClusterDnsServer> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        _time = time;
        _resolver = new ClusterDnsResolver(catalog, options, time);
        _queries = new SemaphoreSlim(options.MaxConcurrentQueries, options.MaxConcurrentQueries);
        _connections = new SemaphoreSlim(options.MaxTcpConnections, options.MaxTcpConnections);
    }

    /// <summary>Completes with the bound address once both sockets listen (useful with port 0); fails if binding failed.</summary>
    public Task<IPEndPoint> Listening => _listening.Task;

    /// <summary>Services or endpoint slices changed: answers use the new state from the next query on.</summary>
    public void Invalidate() => _resolver.Invalidate();

    /// <summary>
    /// Serves on <paramref name="listen"/>:<paramref name="port"/> (UDP and TCP; port 0 picks a free one) until
    /// <paramref name="cancellationToken"/> is cancelled, then waits for the queries in flight. Binding errors throw.
    /// </summary>
    public async Task RunAsync(IPAddress listen, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listen);
        using var tcp = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var udp = new Socket(listen.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        IPEndPoint bound;
        try
        {
            tcp.Bind(new IPEndPoint(listen, port));
            tcp.Listen(ListenBacklog);
            bound = (IPEndPoint)tcp.LocalEndPoint!;
            udp.Bind(bound);
        }
        catch (SocketException e)
        {
            _listening.TrySetException(e);
            throw;
        }

        var forwarder = new DnsForwarder(new ResolvConfNameservers(_options.ResolvConf, bound), _options.UpstreamTimeout, _logger, _time);
        var handler = new DnsQueryHandler(_resolver, forwarder);
        LogListening(_logger, bound, _options.ClusterDomain, _options.ResolvConf);
        _listening.TrySetResult(bound);
        try
        {
            await Task.WhenAll(ServeUdpAsync(udp, handler, cancellationToken), ServeTcpAsync(tcp, handler, cancellationToken)).ConfigureAwait(false);
        }
        finally
        {
            // Every query and connection gives its permit back once cancelled; only then may the sockets close.
            for (var i = 0; i < _options.MaxConcurrentQueries; i++)
            {
                await _queries.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            for (var i = 0; i < _options.MaxTcpConnections; i++)
            {
                await _connections.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            _queries.Release(_options.MaxConcurrentQueries);
            _connections.Release(_options.MaxTcpConnections);
        }
    }

    private async Task ServeUdpAsync(Socket udp, DnsQueryHandler handler, CancellationToken cancellationToken)
    {
        var buffer = new byte[ushort.MaxValue];
        EndPoint anyone = new IPEndPoint(udp.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await udp.ReceiveFromAsync(buffer, SocketFlags.None, anyone, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e)
            {
                // An ICMP error for an earlier answer can surface here; the socket itself is still good.
                LogReceiveFailed(_logger, e.SocketErrorCode);
                continue;
            }

            if (!_queries.Wait(0))
            {
                LogDropped(_logger, received.RemoteEndPoint);
                continue;
            }

            var packet = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
            _ = AnswerUdpAsync(udp, handler, packet, received.RemoteEndPoint, cancellationToken);
        }
    }

    /// <summary>Answers one datagram; runs detached, holding one query permit.</summary>
    private async Task AnswerUdpAsync(Socket udp, DnsQueryHandler handler, byte[] packet, EndPoint client, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield(); // leave the receive loop at once
            var response = await handler.HandleAsync(packet, DnsTransport.Udp, cancellationToken).ConfigureAwait(false);
            if (response is not null)
            {
                await udp.SendToAsync(response, SocketFlags.None, client, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogQueryFailed(_logger, client, e);
        }
        finally
        {
            _queries.Release();
        }
    }

    private async Task ServeTcpAsync(Socket tcp, DnsQueryHandler handler, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await tcp.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e)
            {
                LogReceiveFailed(_logger, e.SocketErrorCode);
                continue;
            }

            if (!_connections.Wait(0))
            {
                LogDropped(_logger, client.RemoteEndPoint);
                client.Dispose();
                continue;
            }

            _ = ServeConnectionAsync(client, handler, cancellationToken);
        }
    }

    /// <summary>Answers the queries of one TCP connection in turn until the client closes it or stays idle too long.</summary>
    private async Task ServeConnectionAsync(Socket client, DnsQueryHandler handler, CancellationToken cancellationToken)
    {
        var remote = client.RemoteEndPoint;
        try
        {
            await Task.Yield();
            await using var stream = new NetworkStream(client, ownsSocket: true);
            while (true)
            {
                byte[]? query;
                using (var idle = new CancellationTokenSource(_options.TcpIdleTimeout, _time))
                using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token))
                {
                    query = await DnsTcpFraming.ReadAsync(stream, linked.Token).ConfigureAwait(false);
                }

                if (query is null)
                {
                    return;
                }

                byte[]? response;
                await _queries.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    response = await handler.HandleAsync(query, DnsTransport.Tcp, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _queries.Release();
                }

                if (response is null)
                {
                    return; // not a query we answer: the stream cannot be trusted further
                }

                await DnsTcpFraming.WriteAsync(stream, response, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
            // Idle, reset by the client, or shutting down: the connection simply ends.
        }
        catch (Exception e)
        {
            LogQueryFailed(_logger, remote, e);
        }
        finally
        {
            client.Dispose();
            _connections.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster DNS listening on {Endpoint} (UDP and TCP) for {Zone}, forwarding the rest to the nameservers in {ResolvConf}")]
    private static partial void LogListening(ILogger logger, IPEndPoint endpoint, string zone, string resolvConf);

    [LoggerMessage(Level = LogLevel.Debug, Message = "cluster DNS: receiving failed: {Error}")]
    private static partial void LogReceiveFailed(ILogger logger, SocketError error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "cluster DNS: busy, dropped a query or connection from {Client}")]
    private static partial void LogDropped(ILogger logger, EndPoint? client);

    [LoggerMessage(Level = LogLevel.Error, Message = "cluster DNS: answering {Client} failed")]
    private static partial void LogQueryFailed(ILogger logger, EndPoint? client, Exception exception);
}
