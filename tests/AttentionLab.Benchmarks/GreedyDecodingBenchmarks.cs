using AttentionLab;
using BenchmarkDotNet.Attributes;

/// <summary>
/// The key/value cache's claim (lesson 07): each greedy step costs O(n) with the cache and O(n²) without.
/// Exactly N steps every time: decoding does not stop at &lt;/s&gt;.
/// </summary>
[MemoryDiagnoser]
public class GreedyDecodingBenchmarks
{
    private Transformer _model = null!;
    private int[] _source = null!;

    [Params(32, 128)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchmarkModel.Create(maxLength: N);
        _source = BenchmarkModel.Sentence(16, 24);
    }

    [Benchmark(Baseline = true, Description = "with cache")]
    public int WithCache() => GreedyDecoder.Decode(_model, _source, N, useCache: true, stopAtEnd: false).Tokens[^1];

    [Benchmark(Description = "without cache")]
    public int WithoutCache() => GreedyDecoder.Decode(_model, _source, N, useCache: false, stopAtEnd: false).Tokens[^1];
}
