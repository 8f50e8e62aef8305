using System.CommandLine;
using MicroSeg.Silo.Hosting;

// On SIGTERM System.CommandLine cancels the token SiloHost tells "asked to stop" by (exit 0, not 1), then waits for
// the stop; its default wait of 2 s ends a silo still handing off its grains with exit 143 on a busy machine. Allow
// what a supervisor allows (systemd: 90 s) minus a margin.
return await SiloCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(60) });
