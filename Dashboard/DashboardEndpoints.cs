using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Dashboard;

/// <summary>Serves the dashboard: a single page that reads the REST API.</summary>
public static class DashboardEndpoints
{
    /// <summary>Maps "/" (and "/dashboard") to the dashboard page.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        var page = LoadPage();
        IResult Page() => Results.Text(page, "text/html; charset=utf-8");
        app.MapGet("/", Page).ExcludeFromDescription();
        app.MapGet("/dashboard", Page).ExcludeFromDescription();
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
