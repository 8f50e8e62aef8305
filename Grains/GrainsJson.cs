namespace MicroSeg.Grains;

/// <summary>Marker for the grain assembly, used by hosting to register grains.</summary>
public static class GrainsAssembly
{
    /// <summary>This assembly.</summary>
    public static System.Reflection.Assembly Value => typeof(GrainsAssembly).Assembly;
}
