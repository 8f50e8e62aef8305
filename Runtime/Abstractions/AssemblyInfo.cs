using System.Runtime.CompilerServices;

// The runtime implements the activation context a Grain reads, as Orleans.Core.Abstractions opens its
// internals to Orleans.Runtime; grain code sees only the public surface.
[assembly: InternalsVisibleTo("MicroSeg.Runtime")]

// The runtime's tests read the log's event records (StreamEventData) to check trimming.
[assembly: InternalsVisibleTo("MicroSeg.Runtime.Tests")]
