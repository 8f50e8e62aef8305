using System.Security.Claims;
using System.Text.Encodings.Web;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;

namespace MicroSeg.Api.Security;

/// <summary>
/// Authenticates a request by its MicroSeg API token: <c>Authorization: Bearer mst_…</c>, or, for reads only
/// (GET/HEAD), the console's session cookie. A cookie is an ambient credential that any page the operator
/// visits can make the browser send, so it never authorizes a change.
/// </summary>
internal sealed class ApiAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IGrainFactory grains)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "MicroSegToken";

    /// <summary>The console's session cookie (HttpOnly, SameSite=Strict), set by POST /api/v1/session.</summary>
    public const string SessionCookie = "microseg_session";

    /// <summary>Claim type of the token's name.</summary>
    public const string TokenNameClaim = "microseg/token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ReadSecret() is not { } secret)
            return AuthenticateResult.NoResult();
        var token = await grains.GetGrain<IApiTokenGrain>(GrainKeys.Cluster).FindAsync(ApiTokenSecret.Hash(secret)).WaitAsync(Context.RequestAborted);
        if (token is null)
            return AuthenticateResult.Fail("the token is not valid: it is unknown or was revoked.");
        var claims = new List<Claim> { new(ClaimTypes.Name, token.Name), new(TokenNameClaim, token.Name) };
        claims.AddRange(ApiPolicies.ImpliedRoles(token.Role).Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private string? ReadSecret()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var secret = header["Bearer ".Length..].Trim();
            return secret.StartsWith(ApiTokenSecret.Prefix, StringComparison.Ordinal) ? secret : null;
        }
        if (HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method))
            return Request.Cookies[SessionCookie];
        return null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Bearer";
        await TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required.",
            detail: result.Failure?.Message ?? "send an API token: 'Authorization: Bearer mst_…' (the embedded silo writes its admin token to <data dir>/admin.token).",
            type: "https://microseg.dev/problems/unauthenticated").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The token's role does not allow this.",
            detail: $"token '{Context.User.Identity?.Name}' may not {Request.Method} {Request.Path}: this needs a token of a higher role (viewer < operator < admin).",
            type: "https://microseg.dev/problems/forbidden").ExecuteAsync(Context);
}
