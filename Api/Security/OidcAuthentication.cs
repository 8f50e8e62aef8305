using System.Security.Claims;
using MicroSeg.Grains.Interfaces.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroSeg.Api.Security;

/// <summary>
/// Optional OIDC: JWT bearer tokens of one issuer (<see cref="ApiSecurityOptions.OidcAuthority"/>), validated by
/// ASP.NET Core's JwtBearer handler, whose role claim names a MicroSeg role. Requests pick their scheme by the
/// token: "mst_…" is ours, anything else a JWT when an issuer is configured.
/// </summary>
internal static class OidcAuthentication
{
    /// <summary>The scheme every endpoint authenticates with: it forwards to ours or to JwtBearer.</summary>
    public const string SelectingScheme = "MicroSeg";

    /// <summary>The JwtBearer scheme.</summary>
    public const string JwtScheme = "Oidc";

    public static void Add(AuthenticationBuilder authentication)
    {
        authentication.AddPolicyScheme(SelectingScheme, null, o =>
        {
            o.ForwardDefaultSelector = Select;
            // Our handler writes 401/403 as problem+json whichever scheme authenticated.
            o.ForwardChallenge = ApiAuthentication.SchemeName;
            o.ForwardForbid = ApiAuthentication.SchemeName;
        });
        authentication.AddJwtBearer(JwtScheme, _ => { });
        authentication.Services.AddOptions<JwtBearerOptions>(JwtScheme).Configure<IOptions<ApiSecurityOptions>>((jwt, security) =>
        {
            jwt.Authority = security.Value.OidcAuthority;
            jwt.Audience = security.Value.OidcAudience;
            jwt.TokenValidationParameters.ValidateAudience = security.Value.OidcAudience is not null;
            jwt.MapInboundClaims = false;
            var roleClaim = security.Value.OidcRoleClaim;
            jwt.Events = new JwtBearerEvents { OnTokenValidated = context => MapRoles(context, roleClaim) };
        });
    }

    private static string Select(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var jwt = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && !header["Bearer ".Length..].TrimStart().StartsWith(ApiTokenSecret.Prefix, StringComparison.Ordinal)
            && context.RequestServices.GetRequiredService<IOptions<ApiSecurityOptions>>().Value.OidcAuthority is not null;
        return jwt ? JwtScheme : ApiAuthentication.SchemeName;
    }

    /// <summary>The token's highest MicroSeg role, with every lesser one, as role claims; its subject as the name the audit log shows.</summary>
    private static Task MapRoles(TokenValidatedContext context, string roleClaim)
    {
        var token = context.Principal!;
        var role = Enum.GetValues<ApiRole>().Where(r => token.FindAll(roleClaim).Any(c => c.Value == ApiPolicies.RoleName(r)))
            .Cast<ApiRole?>().Max();
        var subject = token.FindFirst("preferred_username")?.Value ?? token.FindFirst("sub")?.Value ?? "unknown";
        var claims = new List<Claim> { new(ClaimTypes.Name, $"oidc:{subject}") };
        if (role is { } granted)
            claims.AddRange(ApiPolicies.ImpliedRoles(granted).Select(r => new Claim(ClaimTypes.Role, r)));
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, JwtScheme));
        return Task.CompletedTask;
    }
}
