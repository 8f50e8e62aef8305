using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MicroSeg.Api.Documentation;

/// <summary>
/// Completes the generated OpenAPI document: the request body of every writing operation (with an example),
/// examples on the main answers, the bearer scheme, and the problem+json answers every /api/v1 call can give.
/// </summary>
internal static class OpenApiDocumentation
{
    private const string ProblemJson = "application/problem+json";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "MicroSeg API";
            document.Info.Description = "Label-based microsegmentation: workloads, policies, Kubernetes NetworkPolicies, nodes, flows. "
                + "Every /api/v1 call needs 'Authorization: Bearer <token>' (the admin token is in <data dir>/admin.token). "
                + "Errors are RFC 7807 problem+json; a 400 lists every bad field under 'errors' as [{field, message}].";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A MicroSeg API token (mst_…) or, when configured, an OIDC JWT.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            var name = context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
            var path = context.Description.RelativePath ?? "";
            var method = context.Description.HttpMethod ?? "GET";
            if (name is not null && RequestBodies.ByOperation.TryGetValue(name, out var body))
                operation.RequestBody = await RequestBodyAsync(body, context, ct);
            operation.Responses ??= new OpenApiResponses();
            AddResponseExamples(operation, context);
            if (!path.StartsWith("api/v1", StringComparison.Ordinal))
                return;
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", context.Document)] = [] }];
            var problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, ct);
            AddProblem(operation, problem, StatusCodes.Status401Unauthorized, "No token, or an unknown, expired or revoked one.");
            AddProblem(operation, problem, StatusCodes.Status403Forbidden, "The token's role is too low for this call.");
            AddProblem(operation, problem, StatusCodes.Status503ServiceUnavailable, "A grain's silo or the database is briefly unreachable; retry after the Retry-After header.");
            if (path.Contains('{'))
                AddProblem(operation, problem, StatusCodes.Status404NotFound, "No such resource.");
            if (operation.RequestBody is not null || method is "POST" or "PUT")
            {
                AddProblem(operation, problem, StatusCodes.Status400BadRequest, "The input is invalid: 'errors' ([{field, message}]) names every bad field and how to fix it; nothing changed.");
                AddProblem(operation, problem, StatusCodes.Status415UnsupportedMediaType, "The body is not JSON (or YAML for NetworkPolicies).");
            }
            if (method == "POST" && name is not null && name.StartsWith("Create", StringComparison.Ordinal))
                AddProblem(operation, problem, StatusCodes.Status409Conflict, "The id exists, or another workload holds one of the addresses.");
        });
    }

    private static async Task<OpenApiRequestBody> RequestBodyAsync(RequestBodies.Body body, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var schema = body.Type is null
            ? new OpenApiSchema { Type = JsonSchemaType.String, Description = "Kubernetes NetworkPolicy documents: YAML (several separated by ---, or a List) or JSON." }
            : await context.GetOrCreateSchemaAsync(body.Type, null, ct);
        return new OpenApiRequestBody
        {
            Required = true,
            Content = body.MediaTypes.ToDictionary(m => m, _ => new OpenApiMediaType { Schema = schema, Example = body.Example.DeepClone() }),
        };
    }

    /// <summary>An answer whose type has an example shows it.</summary>
    private static void AddResponseExamples(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        foreach (var response in context.Description.SupportedResponseTypes)
        {
            if (response.Type is null || RequestBodies.ExampleOf(response.Type) is not { } example)
                continue;
            if (operation.Responses!.TryGetValue(response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var answer)
                && answer.Content?.TryGetValue("application/json", out var media) == true)
                media.Example = example;
        }
    }

    private static void AddProblem(OpenApiOperation operation, IOpenApiSchema schema, int status, string description)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.TryGetValue(key, out var existing) && existing.Content?.ContainsKey(ProblemJson) == true)
            return;
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = schema } },
        };
    }
}
