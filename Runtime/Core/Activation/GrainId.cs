namespace MicroSeg.Runtime.Activation;

/// <summary>Identity of a grain: its grain type name and key (as Orleans' GrainType + IdSpan).</summary>
internal readonly record struct GrainId(string Type, string Key)
{
    public override string ToString() => $"{Type}/{Key}";
}
