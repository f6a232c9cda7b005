namespace Shim.Api.Metrics;

/// <summary>Reads an agent's /metrics/resource text; a seam so the scraper can be fed without agents.</summary>
public interface IAgentMetricsSource
{
    Task<string> ReadAsync(string host, int port, CancellationToken cancellationToken);
}
