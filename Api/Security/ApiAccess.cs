using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace MicroSeg.Api.Security;

/// <summary>The access rules every /api/v1 endpoint gets, whoever adds it.</summary>
internal static class ApiAccess
{
    /// <summary>
    /// Every endpoint of the group needs a viewer token; one that changes state (any method but GET/HEAD)
    /// needs an operator token unless it names its own policy; and a change's body must be JSON or YAML.
    /// </summary>
    public static RouteGroupBuilder RequireApiAccess(this RouteGroupBuilder api)
    {
        api.RequireAuthorization(ApiPolicies.Viewer);
        ((IEndpointConventionBuilder)api).Finally(endpoint =>
        {
            var methods = endpoint.Metadata.OfType<IHttpMethodMetadata>().SelectMany(m => m.HttpMethods).ToList();
            var changes = methods.Count == 0 || methods.Any(m => !HttpMethods.IsGet(m) && !HttpMethods.IsHead(m));
            // The group's own viewer requirement is one entry; any further one is the endpoint naming its role.
            var named = endpoint.Metadata.OfType<IAuthorizeData>().Count() > 1;
            if (changes && !named)
                endpoint.Metadata.Add(new AuthorizeAttribute(ApiPolicies.Operator));
        });
        api.AddEndpointFilter(RequireDocumentBody);
        return api;
    }

    /// <summary>
    /// A browser sends a cross-origin POST without asking first only with a form or text/plain body; requiring
    /// JSON or YAML for every body means such a request never reaches a handler, whatever credentials it carries.
    /// </summary>
    private static async ValueTask<object?> RequireDocumentBody(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || !HasBody(request) || IsDocument(request.ContentType))
            return await next(context);
        return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type.",
            detail: $"Content-Type: '{request.ContentType}' is not accepted: send application/json (or application/yaml for NetworkPolicies).",
            type: "https://microseg.dev/problems/unsupported-media-type");
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || (request.ContentLength is null && (request.Headers.TransferEncoding.Count > 0 || request.ContentType is not null));

    private static bool IsDocument(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type))
            return false;
        var media = type.MediaType.Value ?? "";
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            || media.Equals("application/yaml", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/x-yaml", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/yaml", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/x-yaml", StringComparison.OrdinalIgnoreCase);
    }
}
