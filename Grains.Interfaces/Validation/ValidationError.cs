using Orleans;

namespace MicroSeg.Grains.Interfaces.Validation;

/// <summary>One problem with user input: the field (JSON path) and what is wrong and how to fix it.</summary>
/// <param name="Field">JSON path of the bad field, e.g. "ingress[0].from[1].cidr".</param>
/// <param name="Message">What is wrong, naming the object and the fix.</param>
[GenerateSerializer, Immutable, Alias("microseg.ValidationError")]
public sealed record ValidationError(string Field, string Message);

/// <summary>
/// Thrown by grains when given a spec that does not validate; carries every error. Serializable by
/// Orleans, so a caller on another silo or a client gets the errors, not only the message.
/// </summary>
[GenerateSerializer, Alias("microseg.SpecValidationException")]
public sealed class SpecValidationException : Exception
{
    /// <summary>Creates the exception from the collected errors.</summary>
    public SpecValidationException(IReadOnlyList<ValidationError> errors)
        : base(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")))
    {
        Errors = errors;
    }

    /// <summary>Every validation error.</summary>
    [Id(0)]
    public IReadOnlyList<ValidationError> Errors { get; private set; }

    /// <summary>Throws when <paramref name="errors"/> is not empty.</summary>
    public static void ThrowIfAny(IReadOnlyList<ValidationError> errors)
    {
        if (errors.Count > 0)
            throw new SpecValidationException(errors);
    }
}
