using System.Globalization;
using System.Text;

namespace Shim.Agent.Stats;

/// <summary>Writes the Prometheus text exposition format (version 0.0.4): HELP/TYPE headers, samples with ms timestamps.</summary>
public sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    public void Family(string name, string type, string help) =>
        _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    public void Sample(string name, IReadOnlyList<(string Name, string Value)> labels, double value, DateTimeOffset? timestamp)
    {
        _text.Append(name);
        if (labels.Count > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Count; i++)
            {
                _text.Append(i == 0 ? "" : ",").Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
            }

            _text.Append('}');
        }

        _text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture));
        if (timestamp is { } at)
        {
            _text.Append(' ').Append(at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }

        _text.Append('\n');
    }

    public override string ToString() => _text.ToString();

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
