using System.CommandLine;
using MicroSeg.NodeAgent.Hosting;

// The host handles SIGTERM and Ctrl-C itself (ConsoleLifetime). System.CommandLine's own handler would
// race it and cancel a disposed token source once a stop has already finished, aborting the process.
return await AgentCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
