using MicroSeg.NodeAgent.Hosting;

return await AgentCommand.Create().Parse(args).InvokeAsync();
