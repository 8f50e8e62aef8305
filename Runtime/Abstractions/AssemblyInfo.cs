using System.Runtime.CompilerServices;

// The runtime implements the activation context a Grain reads, as Orleans.Core.Abstractions opens its
// internals to Orleans.Runtime; grain code sees only the public surface.
[assembly: InternalsVisibleTo("MicroSeg.Runtime")]
