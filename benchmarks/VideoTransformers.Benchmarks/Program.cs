using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using static TorchSharp.torch;

namespace VideoTransformers.Benchmarks;

/// <summary>
/// Benchmarks of TorchSharp (libtorch 2.10, as vt uses it) against Python PyTorch (Debian's python3-torch). Usage:
/// <code>dotnet run --project benchmarks/VideoTransformers.Benchmarks -c Release -- ops [--repeats N] [--threads 1,2] [--json FILE] [--no-python]</code>
/// See benchmarks/README.md.
/// </summary>
public static class Program
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return args[0] switch
            {
                "ops" => Ops(Options.Parse(args[1..])),
                "decode" => DecodeBenchmark.Run(args[1..]),
                "scaling-plot" => ScalingPlot.Run(args[1..]),
                _ => Fail($"unknown mode '{args[0]}'.\n{Usage}"),
            };
        }
        catch (ArgumentException e)
        {
            return Fail(e.Message + "\n" + Usage);
        }
    }

    private const string Usage =
        "usage: VideoTransformers.Benchmarks ops [--repeats N] [--threads 1,2] [--json FILE] [--no-python]\n" +
        "  ops   µs per call of small ops (add of two [16] tensors, [64,64] matmul) and GFLOP/s of a\n" +
        "        1024x1024x1024 float32 GEMM, ours vs Python PyTorch (benchmarks/python/ops_bench.py), per thread count\n" +
        "       VideoTransformers.Benchmarks decode [--repeats N] [--workers 2] [--data DIR] [--only WORKLOAD] [--skip VARIANT]\n" +
        "  decode  frames/s of the video decoders side by side on the real KTH and UCF101 clips\n" +
        "       VideoTransformers.Benchmarks scaling-plot JSON OUT.svg|png\n" +
        "  scaling-plot  draws benchmarks/scaling_sweep.py's OUT.json (ms/step and peak RSS against frames) with ScottPlot";

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    private sealed record Options(int Repeats, int[] Threads, string? JsonPath, bool Python)
    {
        public static Options Parse(string[] args)
        {
            var o = new Options(11, [1, 2], null, true);
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                o = args[i] switch
                {
                    "--repeats" => o with { Repeats = int.Parse(Next(), Inv) },
                    "--threads" => o with { Threads = Next().Split(',').Select(s => int.Parse(s, Inv)).ToArray() },
                    "--json" => o with { JsonPath = Next() },
                    "--no-python" => o with { Python = false },
                    _ => throw new ArgumentException($"unknown option '{args[i]}'"),
                };
            }
            if (o.Repeats < 1 || o.Threads.Length == 0 || o.Threads.Any(t => t < 1)) throw new ArgumentException("need --repeats >= 1 and thread counts >= 1");
            return o;
        }
    }

    /// <summary>One thread count's figures (µs per call for the small ops, GFLOP/s for the GEMM).</summary>
    private sealed record Figures(double Add16Us, double Matmul64Us, double Gemm1024Gflops);

    private const int AddCalls = 20_000, MatmulCalls = 2_000, GemmCalls = 3, N = 1024;

    // ---------------- ops ----------------

    private static int Ops(Options o)
    {
        Console.WriteLine($"VideoTransformers ops benchmark: TorchSharp's libtorch {__version__}, {Environment.ProcessorCount} logical CPUs, " +
                          $"median of {o.Repeats} repeats");

        var ours = new Dictionary<int, Figures>();
        foreach (var t in o.Threads) ours[t] = MeasureOurs(t, o.Repeats);

        Dictionary<int, Figures>? theirs = null;
        string? torchVersion = null;
        if (o.Python)
        {
            try { (theirs, torchVersion) = MeasurePyTorch(o); }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or JsonException)
            {
                Console.WriteLine($"(PyTorch side skipped: {e.Message})");
            }
        }

        Console.WriteLine();
        Console.WriteLine(theirs == null ? "" : $"PyTorch {torchVersion} (Python) in the same run.");
        Console.WriteLine($"{"small ops, µs per call",-28} {"threads",7} {"ours",10} {"PyTorch",10} {"ours/PyTorch",13}");
        foreach (var t in o.Threads)
        {
            Row("add [16] + [16]", t, ours[t].Add16Us, theirs?[t].Add16Us);
            Row("matmul [64,64] @ [64,64]", t, ours[t].Matmul64Us, theirs?[t].Matmul64Us);
        }
        Console.WriteLine();
        Console.WriteLine($"{"GEMM 1024³ float32, GFLOP/s",-28} {"threads",7} {"ours",10} {"PyTorch",10} {"ours/PyTorch",13}");
        foreach (var t in o.Threads)
            Row("matmul [1024,1024]²", t, ours[t].Gemm1024Gflops, theirs?[t].Gemm1024Gflops);
        Console.WriteLine();
        Console.WriteLine("µs: lower is better, a ratio above 1 means we are slower. GFLOP/s: higher is better, a ratio below 1 means we are slower.");
        Console.WriteLine("Ours: MKL GEMM in libtorch's intra-op pool (set_num_threads). PyTorch (Debian): OpenBLAS GEMM, run with OPENBLAS_NUM_THREADS");
        Console.WriteLine("equal to the thread count, so that both sides compute on the same number of threads.");

        if (o.JsonPath != null)
        {
            var doc = new
            {
                libtorch = __version__,
                pytorch = torchVersion,
                repeats = o.Repeats,
                ours = ours.ToDictionary(kv => kv.Key.ToString(Inv), kv => kv.Value),
                pytorch_results = theirs?.ToDictionary(kv => kv.Key.ToString(Inv), kv => kv.Value),
            };
            File.WriteAllText(o.JsonPath, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote {o.JsonPath}");
        }
        return 0;
    }

    private static void Row(string op, int threads, double ours, double? theirs)
    {
        var p = theirs is double v ? v.ToString("F2", Inv) : "-";
        var r = theirs is double w ? (ours / w).ToString("F2", Inv) : "-";
        Console.WriteLine($"{op,-28} {threads,7} {ours.ToString("F2", Inv),10} {p,10} {r,13}");
    }

    /// <summary>Median over <paramref name="repeats"/> batches of the per-batch figure returned by <paramref name="batch"/>.</summary>
    private static double Median(Func<int, double> batch, int calls, int repeats)
    {
        batch(Math.Max(1, calls / 10)); // warm-up
        var xs = Enumerable.Range(0, repeats).Select(_ => batch(calls)).Order().ToArray();
        return xs.Length % 2 == 1 ? xs[xs.Length / 2] : (xs[xs.Length / 2 - 1] + xs[xs.Length / 2]) / 2;
    }

    private static Figures MeasureOurs(int threads, int repeats)
    {
        set_num_threads(threads);
        manual_seed(0);
        using var a16 = randn(16);
        using var b16 = randn(16);
        using var a64 = randn(64, 64);
        using var b64 = randn(64, 64);
        using var ag = randn(N, N);
        using var bg = randn(N, N);

        // Each result is disposed at once, as Python frees it when its reference count drops.
        double Add(int calls)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                using var r = a16.add(b16);
            }
            return sw.Elapsed.TotalMicroseconds / calls;
        }
        double Matmul(int calls)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                using var r = a64.matmul(b64);
            }
            return sw.Elapsed.TotalMicroseconds / calls;
        }
        double Gemm(int calls)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                using var r = ag.matmul(bg);
            }
            return 2.0 * N * N * N / (sw.Elapsed.TotalSeconds / calls) / 1e9;
        }

        return new Figures(Median(Add, AddCalls, repeats), Median(Matmul, MatmulCalls, repeats), Median(Gemm, GemmCalls, repeats));
    }

    private static (Dictionary<int, Figures>, string) MeasurePyTorch(Options o)
    {
        var results = new Dictionary<int, Figures>();
        var version = "?";
        // One process per thread count: Debian's PyTorch hands GEMM to OpenBLAS, whose pool size is read from
        // OPENBLAS_NUM_THREADS once at load, so each count needs a fresh process with the variable set to it.
        foreach (var t in o.Threads)
        {
            var (figures, v) = MeasurePyTorch(o, t);
            results[t] = figures;
            version = v;
        }
        return (results, version);
    }

    private static (Figures, string) MeasurePyTorch(Options o, int threads)
    {
        var script = Path.Combine(RepoRoot(), "benchmarks", "python", "ops_bench.py");
        var python = Environment.GetEnvironmentVariable("VT_PYTHON");
        if (string.IsNullOrEmpty(python)) python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("--threads");
        psi.ArgumentList.Add(threads.ToString(Inv));
        psi.ArgumentList.Add("--repeats");
        psi.ArgumentList.Add(o.Repeats.ToString(Inv));
        foreach (var (flag, value) in new[] { ("--add-calls", AddCalls), ("--matmul-calls", MatmulCalls), ("--gemm-calls", GemmCalls) })
        {
            psi.ArgumentList.Add(flag);
            psi.ArgumentList.Add(value.ToString(Inv));
        }
        psi.Environment["OPENBLAS_NUM_THREADS"] = threads.ToString(Inv);
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {python}");
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{python} {script} exited with {p.ExitCode}: {err.Result.Trim()}");

        using var doc = JsonDocument.Parse(output);
        var v = doc.RootElement.GetProperty("results").GetProperty(threads.ToString(Inv));
        var figures = new Figures(v.GetProperty("add16_us").GetDouble(), v.GetProperty("matmul64_us").GetDouble(), v.GetProperty("gemm1024_gflops").GetDouble());
        return (figures, doc.RootElement.GetProperty("torch").GetString() ?? "?");
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "VideoTransformers.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find VideoTransformers.sln above " + AppContext.BaseDirectory);
    }
}
