namespace MicroSeg.Cli;

/// <summary>A failure microsegctl reports as one message on stderr with exit code 1 (bad file, unreachable server, API problem).</summary>
internal class CliException(string message) : Exception(message);
