using MicroSeg.Api.Security;
using Microsoft.AspNetCore.Authorization;

namespace MicroSeg.Silo.Security;

/// <summary>
/// Who may use the Orleans dashboard at /dashboard. Its data (silos, grain statistics, and any grain's state
/// through GrainState) is for admins. Its page shell (HTML, script, styles, fonts) holds no data and stays
/// open: a client that follows the /dashboard redirect drops its Authorization header, and a browser loads the
/// shell before the console's session cookie is in use.
/// </summary>
internal static class DashboardAccess
{
    private static readonly string[] ShellSuffixes = ["/", "/index.html", "/favicon.ico", "/index.min.js", "/index.css", "/fonts/{**path}", "/img/{**path}"];

    public static void RequireAdminForData(IEndpointConventionBuilder dashboard) =>
        dashboard.Finally(endpoint =>
        {
            var route = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText ?? "";
            if (route.Length > 0 && !route.EndsWith("/dashboard", StringComparison.Ordinal) && !ShellSuffixes.Any(s => route.EndsWith(s, StringComparison.Ordinal)))
                endpoint.Metadata.Add(new AuthorizeAttribute(ApiPolicies.Admin));
        });
}
