using MicroSeg.Api.Json;
using MicroSeg.Api.Problems;
using MicroSeg.Api.Security;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Grains.Interfaces.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans;

namespace MicroSeg.Api.Endpoints;

/// <summary>The body of POST /api/v1/tokens.</summary>
/// <param name="Name">Unique token name (a DNS subdomain, like every id).</param>
/// <param name="Role">viewer, operator or admin.</param>
public sealed record TokenRequest(string? Name, string? Role);

/// <summary>A token as listed (never its secret).</summary>
public sealed record TokenView(string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy)
{
    internal static TokenView From(ApiToken t) => new(t.Name, ApiPolicies.RoleName(t.Role), t.CreatedAt, t.CreatedBy);
}

/// <summary>A created token: its secret, shown this once.</summary>
public sealed record CreatedToken(string Name, string Role, string Token);

/// <summary>/api/v1/tokens (admins manage API tokens) and /api/v1/session (the console's read-only cookie).</summary>
internal static class TokenEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("Tokens").RequireAuthorization(ApiPolicies.Admin);
        tokens.MapGet("/", ListAsync).WithName("ListTokens").WithSummary("Lists every API token (name, role, creation), never secrets.");
        tokens.MapPost("/", CreateAsync).WithName("CreateToken")
            .WithSummary("Creates a token {\"name\", \"role\": \"viewer\"|\"operator\"|\"admin\"}; the answer holds its secret, shown only this once.");
        tokens.MapDelete("/{name}", RevokeAsync).WithName("RevokeToken").WithSummary("Revokes a token: it stops working at once.");

        var session = api.MapGroup("/session").WithTags("Tokens");
        session.MapPost("/", StartSession).WithName("StartSession").RequireAuthorization(ApiPolicies.Viewer)
            .WithSummary("Sets the console's session cookie from the bearer token; the cookie authenticates reads (GET) only, never changes.");
        session.MapDelete("/", EndSession).WithName("EndSession").RequireAuthorization(ApiPolicies.Viewer).WithSummary("Clears the session cookie.");
    }

    private static IApiTokenGrain Registry(IGrainFactory grains) => grains.GetGrain<IApiTokenGrain>(GrainKeys.Cluster);

    private static async Task<Ok<TokenView[]>> ListAsync(IGrainFactory grains) =>
        TypedResults.Ok((await Registry(grains).ListAsync()).Select(TokenView.From).ToArray());

    private static async Task<Results<Created<CreatedToken>, ProblemHttpResult>> CreateAsync(HttpContext context, IGrainFactory grains, TimeProvider time, CancellationToken ct)
    {
        var (body, errors) = await RequestBody.ReadAsync<TokenRequest>(context.Request, ct);
        if (body is null)
            return ApiProblems.Invalid(errors);
        var invalid = new List<ValidationError>();
        if (NameRules.CheckId(body.Name, "token name") is { } nameError)
            invalid.Add(new ValidationError("name", nameError));
        if (!Enum.GetValues<ApiRole>().Any(r => ApiPolicies.RoleName(r) == body.Role))
            invalid.Add(new ValidationError("role", $"role '{body.Role}' is not one of viewer, operator, admin."));
        if (invalid.Count > 0)
            return ApiProblems.Invalid(invalid);
        var role = Enum.GetValues<ApiRole>().Single(r => ApiPolicies.RoleName(r) == body.Role);
        var token = new ApiToken(body.Name!, role, time.GetUtcNow(), context.User.Identity?.Name ?? "");
        if (await ApiTokenIssuer.IssueAsync(grains, token.Name, token.Role, token.CreatedBy, token.CreatedAt) is not { } secret)
            return ApiProblems.Conflict("token", token.Name);
        await AuditTrail.RecordAsync(context, grains, "token", token.Name, before: null, after: TokenView.From(token));
        return TypedResults.Created($"/api/v1/tokens/{token.Name}", new CreatedToken(token.Name, body.Role!, secret));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string name, HttpContext context, IGrainFactory grains)
    {
        var before = (await Registry(grains).ListAsync()).FirstOrDefault(t => t.Name == name);
        if (before is null || !await Registry(grains).RevokeAsync(name))
            return ApiProblems.NotFound("token", name);
        await AuditTrail.RecordAsync(context, grains, "token", name, before: TokenView.From(before), after: null);
        return TypedResults.NoContent();
    }

    private static NoContent StartSession(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        context.Response.Cookies.Append(ApiAuthentication.SessionCookie, header["Bearer ".Length..].Trim(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
        });
        return TypedResults.NoContent();
    }

    private static NoContent EndSession(HttpContext context)
    {
        context.Response.Cookies.Delete(ApiAuthentication.SessionCookie, new CookieOptions { Path = "/" });
        return TypedResults.NoContent();
    }
}
