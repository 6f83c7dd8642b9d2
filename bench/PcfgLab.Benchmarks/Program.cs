using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project bench/PcfgLab.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(PcfgLab.Benchmarks.BenchmarkMarker).Assembly).Run(args);
