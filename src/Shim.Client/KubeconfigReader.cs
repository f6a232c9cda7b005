using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Shim.Client;

/// <summary>Reads the parts of a kubeconfig a component needs: server, CA, client certificate/key or token.</summary>
internal static class KubeconfigReader
{
    public static ClientCredentials Read(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var contextName = Scalar(root, "current-context") ?? throw new InvalidDataException($"{path}: no current-context");
        var context = Named(root, "contexts", contextName, "context");
        var cluster = Named(root, "clusters", Scalar(context, "cluster") ?? "", "cluster");
        var user = Named(root, "users", Scalar(context, "user") ?? "", "user");

        var server = new Uri(Scalar(cluster, "server") ?? throw new InvalidDataException($"{path}: cluster has no server"));
        var caPem = Pem(cluster, "certificate-authority", baseDir);
        var certPem = Pem(user, "client-certificate", baseDir);
        var keyPem = Pem(user, "client-key", baseDir);
        var ca = caPem is null ? null : X509Certificate2.CreateFromPem(caPem);
        X509Certificate2? client = null;
        if (certPem is not null && keyPem is not null)
        {
            // Exported and re-imported: SslStream on Linux needs a certificate whose key is not ephemeral.
            using var ephemeral = X509Certificate2.CreateFromPem(certPem, keyPem);
            client = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }

        return new ClientCredentials(server, ca, client, Scalar(user, "token"));
    }

    private static YamlMappingNode Named(YamlMappingNode root, string list, string name, string field)
    {
        if (root.Children.TryGetValue(new YamlScalarNode(list), out var node) && node is YamlSequenceNode entries)
        {
            foreach (var entry in entries.OfType<YamlMappingNode>())
            {
                if (Scalar(entry, "name") == name && entry.Children.TryGetValue(new YamlScalarNode(field), out var value) && value is YamlMappingNode mapping)
                {
                    return mapping;
                }
            }
        }

        throw new InvalidDataException($"kubeconfig: no {field} named \"{name}\"");
    }

    private static string? Pem(YamlMappingNode node, string field, string baseDir)
    {
        var data = Scalar(node, field + "-data");
        if (data is not null)
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(data));
        }

        var file = Scalar(node, field);
        return file is null ? null : File.ReadAllText(Path.Combine(baseDir, file));
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;
}
