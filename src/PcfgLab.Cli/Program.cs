using PcfgLab.Cli;

return await PcfgLabApp.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
