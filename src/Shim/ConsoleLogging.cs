using Serilog;

namespace Shim;

/// <summary>The one log format of every shim command: time, level, component, message.</summary>
public static class ConsoleLogging
{
    public static Serilog.Core.Logger Create() => new LoggerConfiguration()
        .MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
        .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}{NewLine}{Exception}")
        .CreateLogger();
}
