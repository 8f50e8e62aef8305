using MicroSeg.Grains.Interfaces.Access;
using Microsoft.AspNetCore.Authorization;

namespace MicroSeg.Api.Security;

/// <summary>The authorization policy of each role. A token carries its role and every role below it as role claims.</summary>
public static class ApiPolicies
{
    /// <summary>Reads.</summary>
    public const string Viewer = "viewer";

    /// <summary>Workloads, namespaces, drafts.</summary>
    public const string Operator = "operator";

    /// <summary>Policies, provisioning, enforcement settings, tokens, audit log.</summary>
    public const string Admin = "admin";

    /// <summary>The role name a role claim carries.</summary>
    public static string RoleName(ApiRole role) => role switch
    {
        ApiRole.Viewer => Viewer,
        ApiRole.Operator => Operator,
        ApiRole.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown role"),
    };

    /// <summary>The role names a token of <paramref name="role"/> holds: its own and every lesser one.</summary>
    public static IEnumerable<string> ImpliedRoles(ApiRole role) =>
        Enum.GetValues<ApiRole>().Where(r => r <= role).Select(RoleName);

    internal static void Add(AuthorizationBuilder authorization)
    {
        foreach (var role in Enum.GetValues<ApiRole>())
        {
            var name = RoleName(role);
            authorization.AddPolicy(name, p => p.AddAuthenticationSchemes(OidcAuthentication.SelectingScheme).RequireAuthenticatedUser().RequireRole(name));
        }
    }
}
