using System.Text;

namespace Shim.Api.Security;

/// <summary>Writes a kubeconfig holding the CA and an admin client certificate, as kubectl reads it.</summary>
public static class Kubeconfig
{
    public static string Render(string server, string caPem, string certPem, string keyPem, string clusterName = "shim") =>
        $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {{clusterName}}
          cluster:
            server: {{server}}
            certificate-authority-data: {{B64(caPem)}}
        users:
        - name: {{clusterName}}-admin
          user:
            client-certificate-data: {{B64(certPem)}}
            client-key-data: {{B64(keyPem)}}
        contexts:
        - name: {{clusterName}}
          context:
            cluster: {{clusterName}}
            user: {{clusterName}}-admin
            namespace: default
        current-context: {{clusterName}}
        preferences: {}

        """;

    private static string B64(string pem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));
}
