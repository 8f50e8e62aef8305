using MicroSeg.Dashboard.Console;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Dashboard;

/// <summary>Serves the console: a single-page app that reads the REST API and links to the Orleans dashboard at /dashboard.</summary>
public static class DashboardEndpoints
{
    /// <summary>The console's client-side routes: each answers with its page, so a reload or a shared link works.</summary>
    public static readonly IReadOnlyList<string> Routes = ["topology", "flows", "workloads", "namespaces", "policies", "nodes", "cluster", "why"];

    // The page loads only its own bundle; antd writes its styles at run time (CSS-in-JS), hence inline styles.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>Maps "/", the console routes and its /assets.</summary>
    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        var files = ConsoleFiles.Load(typeof(DashboardEndpoints).Assembly);
        app.MapGet("/", (HttpContext context) => Page(files, context)).ExcludeFromDescription();
        foreach (var route in Routes)
        {
            app.MapGet($"/{route}", (HttpContext context) => Page(files, context)).ExcludeFromDescription();
            app.MapGet($"/{route}/{{**rest}}", (HttpContext context) => Page(files, context)).ExcludeFromDescription();
        }
        app.MapGet("/assets/{**path}", (string path, HttpContext context) => Asset(files, "assets/" + path, context)).ExcludeFromDescription();
        app.MapGet("/favicon.ico", () => Results.NoContent()).ExcludeFromDescription();
        return app;
    }

    private static IResult Page(ConsoleFiles files, HttpContext context)
    {
        if (files.Index is not { } index)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The console is not built into this silo.",
                detail: "build it with `make build` (it runs npm ci and npm run build in Dashboard/console); the REST API works without it.");
        }
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return Results.Bytes(index.Content, index.ContentType);
    }

    private static IResult Asset(ConsoleFiles files, string path, HttpContext context)
    {
        if (files.Find(path) is not { } file)
            return Results.NotFound();
        // Vite names every asset by its content hash: a changed file has a new name.
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Bytes(file.Content, file.ContentType);
    }
}
