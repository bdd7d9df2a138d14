using System.Diagnostics;
using Marketplace.Benchmarks;

var which = args.FirstOrDefault() ?? "matching";
var size = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 100_000;
Console.WriteLine($"Scenario Marketplace benchmarks · {Environment.ProcessorCount} cores · .NET {Environment.Version}");
switch (which)
{
    case "matching":
        await MatchingBenchmark.RunAsync(size);
        return 0;
    case "import":
        await ImportBenchmark.RunAsync(size);
        return 0;
    case "import-file":
        // import-file "<connection string of a migrated database>" <file>: one measured import, started by "import".
        if (args.Length < 3) { Console.Error.WriteLine("usage: Benchmarks import-file <connection string> <file>"); return 2; }
        return await ImportBenchmark.ImportFileAsync(args[1], args[2]);
    case "http":
        return await HttpBenchmark.RunAsync(scale: args.Contains("--scale"));
    case "seed-scale":
        // seed-scale "<connection string of a migrated database holding the demo>": the national-scale data, no benchmark.
        if (args.Length < 2) { Console.Error.WriteLine("usage: Benchmarks seed-scale <connection string>"); return 2; }
        return await ScaleData.LoadAsync(args[1], ScaleData.Size.FromEnvironment(), DateTimeOffset.UtcNow);
    case "search":
        await SearchBenchmark.RunAsync(args.Length > 1 ? size : 302);
        return 0;
    case "email":
        await EmailBenchmark.RunAsync(args.Length > 1 ? size : 10_000);
        return 0;
    default:
        Console.Error.WriteLine("usage: Benchmarks matching|import|email|search|http [--scale]|seed-scale <connection string> [count]");
        return 2;
}

namespace Marketplace.Benchmarks
{
    internal static class Stats
    {
        public static double Percentile(IReadOnlyList<double> sorted, double p) =>
            sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

        public static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0.0} ms";

        public static long PeakWorkingSetMb() => Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024;
    }
}
