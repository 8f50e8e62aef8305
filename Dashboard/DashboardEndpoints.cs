using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Dashboard;

/// <summary>Serves the console: a single page that reads the REST API and links to the Orleans dashboard at /dashboard.</summary>
public static class DashboardEndpoints
{
    /// <summary>Maps "/" to the console page.</summary>
    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        var page = LoadPage();
        app.MapGet("/", () => Results.Text(page, "text/html; charset=utf-8")).ExcludeFromDescription();
        return app;
    }

    private static string LoadPage()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("index.html", StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }
}
