namespace MicroSeg.Cli.Output;

/// <summary>-o: how results are printed.</summary>
internal enum OutputFormat
{
    Table,
    Json,
    Yaml,
}
