using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

// Compiled into both microseg-silo and microseg-agent (NodeAgent.csproj links this file): the two share no
// assembly but their own contracts, and a logging helper has no place in the grain interfaces.
namespace MicroSeg.Hosting;

/// <summary>
/// The console log format, from --log-format: "simple" (one human-readable line per event) or "json" (one JSON
/// object per line for log collectors, with the message's named fields — Node, Interface, PolicyId, ... — as
/// properties of "State", UTC timestamps and scopes).
/// </summary>
internal static class ConsoleLogFormat
{
    public const string Simple = "simple";
    public const string Json = "json";

    public static readonly string[] Names = [Simple, Json];

    public static void Add(ILoggingBuilder logging, string format)
    {
        if (format == Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
            return;
        }
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
    }
}
