namespace MicroSeg.Grains.Interfaces.Validation;

/// <summary>One problem with user input: the field (JSON path) and what is wrong and how to fix it.</summary>
/// <param name="Field">JSON path of the bad field, e.g. "ingress[0].from[1].cidr".</param>
/// <param name="Message">What is wrong, naming the object and the fix.</param>
public sealed record ValidationError(string Field, string Message);

/// <summary>Thrown by grains when given a spec that does not validate; carries every error.</summary>
public sealed class SpecValidationException : ArgumentException
{
    /// <summary>Creates the exception from the collected errors.</summary>
    public SpecValidationException(IReadOnlyList<ValidationError> errors)
        : base(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")), errors.Count > 0 ? errors[0].Field : null)
    {
        Errors = errors;
    }

    /// <summary>Creates the exception from a message (used when rebuilt from a remote call).</summary>
    public SpecValidationException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Every validation error.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>Throws when <paramref name="errors"/> is not empty.</summary>
    public static void ThrowIfAny(IReadOnlyList<ValidationError> errors)
    {
        if (errors.Count > 0)
            throw new SpecValidationException(errors);
    }
}
