using AttentionLab.Kernels;
using AttentionLab;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Benchmarks;

/// <summary>
/// Lesson 10's figures: the readable attention (full n × n matrices) against the fused kernel,
/// with and without the causal mask, d = 64, float64. Run with
/// <c>dotnet run -c Release --project tests/AttentionLab.Benchmarks -- --filter '*AttentionAtScale*'</c>.
/// </summary>
[Config(typeof(AttentionAtScaleConfig))]
public class AttentionAtScaleBenchmarks
{
    public const int D = 64;

    private Matrix<double> _q = null!, _k = null!, _v = null!, _causalMask = null!;
    private Matrix<double> _into = null!;
    private static readonly FusedAttentionOptions OneCore = new() { MaxDegreeOfParallelism = 1 };

    [Params(64, 256, 1024, 4096)]
    public int N { get; set; }

    [Params(false, true)]
    public bool Causal { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2024);
        Matrix<double> Random() => Matrix<double>.Build.Dense(N, D, (_, _) => random.NextDouble() * 2 - 1);
        (_q, _k, _v) = (Random(), Random(), Random());
        _causalMask = Masks.Causal(N);
        _into = Matrix<double>.Build.Dense(N, D);
    }

    /// <summary>Attention.ScaledDotProduct: scores, masked scores and weights are n × n matrices.</summary>
    [Benchmark(Baseline = true)]
    public Matrix<double> Readable() => Attention.ScaledDotProduct(_q, _k, _v, Causal ? _causalMask : null).Output;

    /// <summary>The fused kernel on every core, returning a new output matrix.</summary>
    [Benchmark]
    public Matrix<double> Fused() => FusedAttention.Compute(_q, _k, _v, causal: Causal).Output;

    /// <summary>The fused kernel on one core.</summary>
    [Benchmark]
    public Matrix<double> FusedOneCore() => FusedAttention.Compute(_q, _k, _v, causal: Causal, options: OneCore).Output;

    /// <summary>The fused kernel writing into a reused output matrix (no new large array per call).</summary>
    [Benchmark]
    public Matrix<double> FusedIntoOutput() => FusedAttention.Compute(_q, _k, _v, causal: Causal, output: _into).Output;

    /// <summary>
    /// No attention at all: only what <see cref="Fused"/> does on top of <see cref="FusedIntoOutput"/>,
    /// a new n × d array of doubles, allocated the way the kernel allocates its output and written
    /// once, as the kernel writes it (the causal mask changes nothing here).
    /// </summary>
    [Benchmark]
    public double[] NewOutputArray()
    {
        var output = GC.AllocateUninitializedArray<double>(N * D);
        output.AsSpan().Fill(1.0);
        return output;
    }
}

/// <summary>
/// A short job (the readable attention at n = 4096 takes seconds per call and allocates
/// 128 MB per n × n matrix), run in-process, with memory and GFLOP/s columns.
/// </summary>
public sealed class AttentionAtScaleConfig : ManualConfig
{
    public AttentionAtScaleConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithId("Short"));
        AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        AddColumn(new GflopsColumn());
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
    }
}

/// <summary>4 · n² · d operations (Q Kᵀ and weights · V, two multiply-adds each) per second, counted in full even when a mask lets the kernel skip work.</summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "4·n²·d floating-point operations per second (QKᵀ and weights·V), counted in full even where the causal mask skips work";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(AttentionAtScaleBenchmarks.NewOutputArray)) return "-";
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean; // nanoseconds
        if (mean is null) return "NA";
        double n = Convert.ToDouble(benchmarkCase.Parameters["N"]);
        return (4 * n * n * AttentionAtScaleBenchmarks.D / mean.Value).ToString("F1"); // operations per ns = GFLOP/s
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}
