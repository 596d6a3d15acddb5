using AttentionLab;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;

/// <summary>
/// The layer's speed target: one <see cref="DecoderLayer.Forward(Matrix{double}, Matrix{double}, Matrix{double}?, IReadOnlyList{bool}?, IReadOnlyList{bool}?, Matrix{double}?)"/>
/// at d = 64, 4 heads, feed-forward 256, float64, the causal mask on the self-attention and a memory of n rows,
/// the sizes <c>torch_decoder_layer_timing.py</c> times with PyTorch's nn.TransformerDecoderLayer.
/// </summary>
[MemoryDiagnoser]
public class DecoderLayerBenchmarks
{
    public const int D = 64, Heads = 4, FeedForward = 256;

    private DecoderLayer _layer = null!;
    private Matrix<double> _x = null!, _memory = null!, _causal = null!;

    [Params(16, 64)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2024);
        _layer = new DecoderLayer(D, Heads, FeedForward, seed: 1);
        _x = Matrix<double>.Build.Dense(N, D, (_, _) => random.NextDouble() * 2 - 1);
        _memory = Matrix<double>.Build.Dense(N, D, (_, _) => random.NextDouble() * 2 - 1);
        _causal = Masks.Causal(N);
    }

    [Benchmark(Baseline = true, Description = "DecoderLayer.Forward")]
    public Matrix<double> Forward() => _layer.Forward(_x, _memory, _causal).Output;

    // Where the time goes: the layer's parts on the same inputs.
    [Benchmark(Description = "self-attention")]
    public Matrix<double> SelfAttention() => _layer.SelfAttention.Forward(_x, _x, _x, _causal).Output;

    [Benchmark(Description = "cross-attention")]
    public Matrix<double> CrossAttention() => _layer.CrossAttention.Forward(_x, _memory, _memory).Output;

    [Benchmark(Description = "feed-forward")]
    public Matrix<double> FeedForwardBlock() => _layer.FeedForward.Forward(_x);

    [Benchmark(Description = "layer norm")]
    public Matrix<double> LayerNorm() => _layer.Norm1.Forward(_x);

    [Benchmark(Description = "linear d → d")]
    public Matrix<double> Linear() => _layer.SelfAttention.QueryProjection.Forward(_x);
}
