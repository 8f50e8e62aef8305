using MicroSeg.Grains.Interfaces.Settings;

namespace MicroSeg.Grains.Interfaces.Validation;

/// <summary>Checks enforcement settings and collects every problem.</summary>
public static class SettingsValidator
{
    /// <summary>All problems with <paramref name="settings"/>; empty when valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(EnforcementSettings settings)
    {
        var errors = new List<ValidationError>();
        void Add(string field, string? message)
        {
            if (message is not null)
                errors.Add(new ValidationError(field, $"enforcement settings: {message}"));
        }

        if (!Enum.IsDefined(settings.DefaultMode))
            Add("defaultMode", "use \"monitor\" or \"protect\".");
        var groups = settings.LabelGroups ?? [];
        Add("labelGroups", ObjectLimits.Check(groups.Count, ObjectLimits.LabelGroups, "label groups"));
        for (var i = 0; i < groups.Count; i++)
        {
            if (groups[i] is not { } group)
            {
                Add($"labelGroups[{i}]", "label group is null.");
                continue;
            }
            if (group.Selector is null)
                Add($"labelGroups[{i}].selector", "selector is required ({} matches every workload).");
            else
                PolicyValidator.ValidateSelector(group.Selector, $"labelGroups[{i}].selector", Add);
            if (group.Namespace is not null)
                Add($"labelGroups[{i}].namespace", NameRules.CheckId(group.Namespace, "namespace"));
            if (!Enum.IsDefined(group.Mode))
                Add($"labelGroups[{i}].mode", "use \"monitor\" or \"protect\".");
        }
        return errors;
    }
}
