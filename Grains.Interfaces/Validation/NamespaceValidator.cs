using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Interfaces.Validation;

/// <summary>Checks a namespace spec and collects every problem.</summary>
public static class NamespaceValidator
{
    /// <summary>All problems with <paramref name="spec"/>; empty when it is valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(NamespaceSpec spec)
    {
        var errors = new List<ValidationError>();
        void Add(string field, string? message)
        {
            if (message is not null)
                errors.Add(new ValidationError(field, $"namespace '{spec.Name}': {message}"));
        }

        Add("name", NameRules.CheckId(spec.Name, "name"));
        if (spec.Name.Length > 63 || spec.Name.Contains('.'))
            Add("name", "a namespace name is a DNS label: at most 63 characters, no '.'.");
        LabelValidator.Validate(spec.Labels, "labels", Add);
        if (spec.Labels?.TryGetValue(PolicyProtocols.NamespaceNameLabel, out var value) == true && value != spec.Name)
            Add($"labels.{PolicyProtocols.NamespaceNameLabel}", $"this label is set automatically to the namespace name '{spec.Name}'; leave it out or set it to that.");
        return errors;
    }
}
