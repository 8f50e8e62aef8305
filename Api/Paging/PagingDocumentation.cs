using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace MicroSeg.Api.Paging;

/// <summary>Documents ?limit= and ?cursor= on list operations, which read them from the query rather than as bound parameters.</summary>
internal static class PagingDocumentation
{
    public static RouteHandlerBuilder WithIdPaging(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "limit", In = ParameterLocation.Query,
                Description = $"Page size, 1-{IdPaging.MaxLimit}. Given, the answer is one page {{items, next}} in id order; absent, the plain array of everything.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = IdPaging.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            });
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "cursor", In = ParameterLocation.Query,
                Description = "The 'next' of the previous page, unchanged; needs limit.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
            return Task.CompletedTask;
        });
}
