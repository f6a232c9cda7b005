using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Shim.Streaming.RemoteCommand;

/// <summary>What goes on the error stream/channel at the end of a session, per protocol version.</summary>
internal static class ExitStatus
{
    /// <summary>The payload for an exit code, or null when nothing is to be sent (success on v1–v3).</summary>
    public static byte[]? ForExitCode(int exitCode, RemoteCommandProtocol protocol)
    {
        // Clients parse the code as an unsigned byte; Docker codes are 0-255 anyway.
        var code = exitCode & 0xFF;
        if (!protocol.StatusAsJson)
        {
            return code == 0 ? null : Encoding.UTF8.GetBytes($"command terminated with non-zero exit code: exit code {code}");
        }
        if (code == 0)
        {
            return Encoding.UTF8.GetBytes(new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" }.ToJsonString());
        }
        var codeText = code.ToString(CultureInfo.InvariantCulture);
        var status = new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = $"command terminated with non-zero exit code: exit code {codeText}",
            ["reason"] = "NonZeroExitCode",
            ["details"] = new JsonObject
            {
                ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = codeText }),
            },
        };
        return Encoding.UTF8.GetBytes(status.ToJsonString());
    }

    public static byte[] ForError(string message, RemoteCommandProtocol protocol)
    {
        if (!protocol.StatusAsJson)
        {
            return Encoding.UTF8.GetBytes(message);
        }
        var status = new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = $"Internal error occurred: error executing command in container: {message}",
            ["reason"] = "InternalError",
            ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) },
            ["code"] = 500,
        };
        return Encoding.UTF8.GetBytes(status.ToJsonString());
    }
}
