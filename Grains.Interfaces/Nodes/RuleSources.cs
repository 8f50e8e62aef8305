namespace MicroSeg.Grains.Interfaces.Nodes;

/// <summary>Reads <see cref="PolicyEntry.Source"/>, "policy-id/direction/index".</summary>
public static class RuleSources
{
    /// <summary>"policy-id/ingress/0" → "policy-id" (policy ids may not contain '/'; sources end in two segments).</summary>
    public static string PolicyOf(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var last = source.LastIndexOf('/');
        var direction = last > 0 ? source.LastIndexOf('/', last - 1) : -1;
        return direction > 0 ? source[..direction] : source;
    }
}
