using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shim.Api.Discovery;
using Shim.Api.Http;
using Shim.Api.Metrics;
using Shim.Api.Registry;
using Shim.Api.Resources;
using Shim.Api.Security;
using Shim.Api.ServiceNetwork;
using Shim.Api.Watch;
using Shim.Storage;

namespace Shim.Api.Hosting;

/// <summary>Composes the API server: TLS with client-certificate authentication, the store, the watch cache, handlers.</summary>
public static class ApiServerHost
{
    public static WebApplication Build(ServerOptions options, IStore store, Action<ILoggingBuilder> configureLogging)
    {
        Directory.CreateDirectory(options.DataDir);
        var network = ServiceNetworkConfig.From(options);
        var ca = CertificateAuthority.LoadOrCreate(Path.Combine(options.DataDir, "tls"));
        var tokens = TokenStore.LoadOrCreate(options.DataDir);
        var names = new List<string> { "localhost", "127.0.0.1", "::1", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local", network.ServiceRange.First.ToString(), network.AdvertiseAddress.ToString(), Dns.GetHostName() };
        if (options.BindAddress is not ("0.0.0.0" or "::"))
        {
            names.Add(options.BindAddress);
        }

        names.AddRange(options.TlsSans);
        var serverCertificate = ca.ServerCertificate(names);
        WriteKubeconfig(options, ca);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = options.DataDir });
        builder.Logging.ClearProviders();
        configureLogging(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = BodyReader.DrainLimitBytes + 1;
            kestrel.Listen(IPAddress.Parse(options.BindAddress), options.Port, listen =>
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = serverCertificate;
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                    // Once per connection: a certificate not issued by the cluster CA fails the handshake.
                    https.ClientCertificateValidation = (certificate, _, _) => ca.Issued(certificate);
                });
            });
        });

        var registry = BuiltInResources.Create(new Admission.DefaultTolerationSeconds(options.DefaultNotReadyTolerationSeconds, options.DefaultUnreachableTolerationSeconds));
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(store);
        services.AddSingleton(registry);
        services.AddSingleton(ca);
        services.AddSingleton(tokens);
        services.AddSingleton<WatchCacheHub>();
        services.AddHostedService(sp => sp.GetRequiredService<WatchCacheHub>());
        services.AddSingleton<GenericRegistry>();
        services.AddSingleton<ResourceHandler>();
        services.AddSingleton(new NodeProxy.AgentForwarder(ca.LoadClientCertificate("apiserver-kubelet-client", "kube-apiserver-kubelet-client", ["system:masters"])));
        services.AddSingleton<DiscoveryDocuments>();
        services.AddMetricsApi();
        services.AddSingleton(new OpenApiV3(registry, ServerVersion.GitVersion));
        services.AddSingleton<Bootstrapper>();
        services.AddHostedService(sp => sp.GetRequiredService<Bootstrapper>());
        services.AddHostedService<Compactor>();
        services.AddServiceNetwork(network);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        var app = builder.Build();
        app.UseMiddleware<ErrorMiddleware>();
        app.UseMiddleware<AuthenticationMiddleware>();
        app.MapKubernetesApi();
        return app;
    }

    private static void WriteKubeconfig(ServerOptions options, CertificateAuthority ca)
    {
        var (cert, key) = ca.ClientCertificate("admin", "system:admin", ["system:masters"]);
        var host = options.BindAddress is "0.0.0.0" or "::" ? "127.0.0.1" : options.BindAddress;
        if (host.Contains(':'))
        {
            host = $"[{host}]";
        }

        var path = Path.Combine(options.DataDir, "kubeconfig.yaml");
        File.WriteAllText(path, Kubeconfig.Render($"https://{host}:{options.Port}", ca.CertificatePem, cert, key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
