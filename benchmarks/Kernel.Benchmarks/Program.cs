// The kernel's micro-benchmarks (BenchmarkDotNet), in process, each beside a raw baseline:
//   dotnet run -c Release --project benchmarks/Kernel.Benchmarks -- --filter '*'            # everything
//   dotnet run -c Release --project benchmarks/Kernel.Benchmarks -- --filter '*Route*'      # one class
//   dotnet run -c Release --project benchmarks/Kernel.Benchmarks -- --filter '*' --job Dry  # does every benchmark run?
// Each class that needs PostgreSQL starts a private throwaway cluster (LocalPostgresCluster) in its global setup.
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
