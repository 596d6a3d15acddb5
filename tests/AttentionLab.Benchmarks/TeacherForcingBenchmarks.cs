using AttentionLab;
using BenchmarkDotNet.Attributes;

/// <summary>
/// Teacher forcing's claim (lesson 05): one causally masked pass gives every position's prediction,
/// where decoding prefix by prefix needs n passes. The encoder runs once, outside both measurements.
/// </summary>
[MemoryDiagnoser]
public class TeacherForcingBenchmarks
{
    private Transformer _model = null!;
    private EncoderResult _encoder = null!;
    private int[] _decoderInput = null!;

    [Params(16, 64)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchmarkModel.Create(maxLength: N);
        _encoder = _model.Encode(BenchmarkModel.Sentence(16, 24));
        _decoderInput = [Vocabulary.Start, .. BenchmarkModel.Sentence(N - 1, 24, offset: 3)];
    }

    [Benchmark(Baseline = true, Description = "one masked pass")]
    public double OneMaskedPass() => _model.Decode(_encoder, _decoderInput).Logits[N - 1, 0];

    [Benchmark(Description = "n prefix passes")]
    public double PrefixPasses()
    {
        double sum = 0;
        for (int t = 1; t <= N; t++)
            sum += _model.Decode(_encoder, _decoderInput[..t], causal: false).Logits[t - 1, 0];
        return sum;
    }
}
