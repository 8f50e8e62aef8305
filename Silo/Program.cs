using MicroSeg.Silo.Hosting;

return await SiloCommand.Create().Parse(args).InvokeAsync();
