using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Api.Json;

/// <summary>JSON settings of the REST API: camelCase, and unknown fields are errors so a typo is never silently ignored.</summary>
internal static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        // Absent optional fields are left out of answers rather than written as null.
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.WriteIndented = false;
        // Stated, not left to the default: a body nested deeper answers 400 before any object is built from it.
        options.MaxDepth = MaxDepth;
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { RequireStatedSelector } };
    }

    /// <summary>
    /// A native policy must state its selector (<c>{}</c> for every workload): a policy whose selector was
    /// forgotten would otherwise select, and isolate, every workload of the cluster.
    /// </summary>
    private static void RequireStatedSelector(JsonTypeInfo info)
    {
        if (info.Type != typeof(PolicySpec))
            return;
        foreach (var property in info.Properties)
        {
            if (property.Name == "selector")
                property.IsRequired = true;
        }
    }

    /// <summary>Nesting depth of a JSON body (a policy needs about 8).</summary>
    public const int MaxDepth = 64;

    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }
}
