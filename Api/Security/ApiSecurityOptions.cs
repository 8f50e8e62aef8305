namespace MicroSeg.Api.Security;

/// <summary>Who may reach which part of the API.</summary>
public sealed class ApiSecurityOptions
{
    /// <summary>When true, /metrics answers without a token (for scrapers that cannot send one). Default false: a viewer token is needed.</summary>
    public bool OpenMetrics { get; set; }

    /// <summary>
    /// Host header values the API answers (e.g. "127.0.0.1", "localhost"); empty allows any. A silo bound to
    /// loopback allows only loopback names, so a web page whose DNS name was re-pointed at 127.0.0.1 (DNS
    /// rebinding) cannot read the API through the operator's browser.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>
    /// Issuer (OpenID Connect authority) whose JWT bearer tokens are accepted beside MicroSeg tokens, e.g.
    /// https://login.example.com/realms/ops; null (default) accepts MicroSeg tokens only.
    /// </summary>
    public string? OidcAuthority { get; set; }

    /// <summary>Audience a JWT must be issued for (its <c>aud</c>); null accepts the issuer's default validation.</summary>
    public string? OidcAudience { get; set; }

    /// <summary>The JWT claim naming the MicroSeg role (viewer, operator or admin). Default "roles".</summary>
    public string OidcRoleClaim { get; set; } = "roles";
}
