using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>
/// Every backward pass of notebook 08 against finite differences, in float64, for several sizes, with
/// causal and padding masks and PAD tokens. Layer tests use the loss L = Σ y ⊙ R for a fixed random R,
/// so ∂L/∂y = R; the model tests use the real loss, cross-entropy with PAD targets ignored.
/// </summary>
public class GradientTests
{
    // nn.MultiheadAttention starts with zero biases; random ones make their gradients worth checking.
    private static void RandomiseBiases(Parameter bias, Random rng)
    {
        for (int i = 0; i < bias.Count; i++) bias.Value[i] = 2 * rng.NextDouble() - 1;
    }

    [Theory]
    [InlineData(1, 3, 2)]
    [InlineData(4, 5, 7)]
    [InlineData(6, 16, 8)]
    public void Linear_backward_matches_finite_differences(int n, int inFeatures, int outFeatures)
    {
        var rng = new Random(n * 100 + inFeatures);
        var layer = new TrainableLinear(new Linear(inFeatures, outFeatures, seed: 3), "linear");
        var x = GradientCheck.Random(n * inFeatures, rng, 2);
        var r = GradientCheck.Random(n * outFeatures, rng);
        double Loss() => GradientCheck.Dot(layer.Forward(x, n), r);
        var g = new Gradients([.. layer.Parameters]);
        var dx = layer.Backward(x, r, n, g);
        GradientCheck.Matches(Loss, x, dx, "∂L/∂x");
        GradientCheck.Matches(Loss, layer.Weight.Value, g[layer.Weight], "∂L/∂W");
        GradientCheck.Matches(Loss, layer.Bias.Value, g[layer.Bias], "∂L/∂b");
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(3, 5)]
    [InlineData(5, 16)]
    public void LayerNorm_backward_matches_finite_differences(int n, int width)
    {
        var rng = new Random(n * 10 + width);
        var library = new LayerNorm(Vector<double>.Build.DenseOfArray(GradientCheck.Random(width, rng, 2)),
                                    Vector<double>.Build.DenseOfArray(GradientCheck.Random(width, rng)));
        var layer = new TrainableLayerNorm(library, "norm");
        var x = GradientCheck.Random(n * width, rng, 3);
        var r = GradientCheck.Random(n * width, rng);
        double Loss() => GradientCheck.Dot(layer.Forward(x, n).Output, r);
        var g = new Gradients([.. layer.Parameters]);
        var dx = layer.Backward(layer.Forward(x, n).Cache, r, g);
        GradientCheck.Matches(Loss, x, dx, "∂L/∂x");
        GradientCheck.Matches(Loss, layer.Weight.Value, g[layer.Weight], "∂L/∂γ");
        GradientCheck.Matches(Loss, layer.Bias.Value, g[layer.Bias], "∂L/∂β");
    }

    [Theory]
    [InlineData(1, 4, 6)]
    [InlineData(5, 8, 12)]
    public void FeedForward_backward_matches_finite_differences(int n, int width, int hidden)
    {
        var rng = new Random(n + width + hidden);
        var block = new TrainableFeedForward(new FeedForward(width, hidden, seed: 5), "");
        var x = GradientCheck.Random(n * width, rng, 2);
        var r = GradientCheck.Random(n * width, rng);
        double Loss() => GradientCheck.Dot(block.Forward(x, n).Output, r);
        var g = new Gradients([.. block.Parameters]);
        var dx = block.Backward(block.Forward(x, n).Cache, r, g);
        GradientCheck.Matches(Loss, x, dx, "∂L/∂x");
        foreach (var p in block.Parameters) GradientCheck.Matches(Loss, p.Value, g[p], p.Name);
    }

    public static TheoryData<int, int, int, bool, bool> AttentionCases() => new()
    {
        // queries, keys (0 = self-attention), width, causal, with PAD keys
        { 1, 0, 4, false, false },
        { 4, 0, 4, true, false },
        { 5, 0, 8, true, true },
        { 5, 0, 8, false, true },
        { 3, 6, 8, false, true },   // cross-attention, PAD in the memory
        { 6, 2, 12, false, false },
    };

    [Theory, MemberData(nameof(AttentionCases))]
    public void MultiHeadAttention_backward_matches_finite_differences(int nq, int nk, int width, bool causal, bool pad)
    {
        foreach (int heads in new[] { 1, 2, 4 }.Where(h => width % h == 0))
        {
            var rng = new Random(nq * 31 + nk * 7 + width + heads);
            var layer = new TrainableAttention(new MultiHeadAttention(width, heads, seed: heads), "attn");
            RandomiseBiases(layer.InProjectionBias, rng);
            RandomiseBiases(layer.OutputProjection.Bias, rng);
            bool self = nk == 0;
            int keys = self ? nq : nk;
            var isPad = Enumerable.Range(0, keys).Select(j => pad && j >= keys - 2 && j > 0).ToArray();
            var mask = TrainableTransformer.AdditiveMask(nq, keys, causal, isPad);
            var query = GradientCheck.Random(nq * width, rng, 2);
            var memory = self ? query : GradientCheck.Random(keys * width, rng, 2);
            var r = GradientCheck.Random(nq * width, rng);
            double Loss() => GradientCheck.Dot(layer.Forward(query, nq, self ? query : memory, keys, mask).Output, r);
            var g = new Gradients([.. layer.Parameters]);
            var (dq, dkv) = layer.Backward(layer.Forward(query, nq, memory, keys, mask).Cache, r, g);
            if (self)
            {
                GradientCheck.Matches(Loss, query, dq.Zip(dkv, (a, b) => a + b).ToArray(), $"{heads} heads ∂L/∂x");
            }
            else
            {
                GradientCheck.Matches(Loss, query, dq, $"{heads} heads ∂L/∂query");
                GradientCheck.Matches(Loss, memory, dkv, $"{heads} heads ∂L/∂memory");
            }
            foreach (var p in layer.Parameters) GradientCheck.Matches(Loss, p.Value, g[p], $"{heads} heads {p.Name}");
        }
    }

    [Fact]
    public void A_hidden_key_gets_exactly_zero_gradient()
    {
        // Padding: the two PAD keys' rows get no gradient at all through keys or values.
        var rng = new Random(2);
        int n = 5, d = 8;
        var layer = new TrainableAttention(new MultiHeadAttention(d, 2, seed: 1), "attn");
        var isPad = new[] { false, false, false, true, true };
        var x = GradientCheck.Random(n * d, rng, 2);
        var pass = layer.Forward(x, n, x, n, TrainableTransformer.AdditiveMask(n, n, false, isPad));
        var (_, dkv) = layer.Backward(pass.Cache, GradientCheck.Random(n * d, rng), new Gradients([.. layer.Parameters]));
        for (int j = 3; j < n; j++)
            for (int c = 0; c < d; c++) Assert.Equal(0.0, dkv[j * d + c]);

        // Causal: a loss on query row 0 alone sends no gradient to keys 1 … n−1 (the future it cannot see).
        var r = new double[n * d];
        for (int c = 0; c < d; c++) r[c] = 1;
        pass = layer.Forward(x, n, x, n, TrainableTransformer.AdditiveMask(n, n, true, new bool[n]));
        (_, dkv) = layer.Backward(pass.Cache, r, new Gradients([.. layer.Parameters]));
        for (int j = 1; j < n; j++)
            for (int c = 0; c < d; c++) Assert.Equal(0.0, dkv[j * d + c]);
        Assert.Contains(dkv.Take(d), v => v != 0);
    }

    [Theory]
    [InlineData(3, 8, 2, false)]
    [InlineData(5, 8, 4, true)]
    public void EncoderLayer_backward_matches_finite_differences(int n, int width, int heads, bool pad)
    {
        var rng = new Random(n + width * heads);
        var layer = new TrainableEncoderLayer(new EncoderLayer(width, heads, 2 * width, seed: 4), "layer.");
        var mask = TrainableTransformer.AdditiveMask(n, n, false, Enumerable.Range(0, n).Select(j => pad && j == n - 1).ToArray());
        var x = GradientCheck.Random(n * width, rng, 2);
        var r = GradientCheck.Random(n * width, rng);
        double Loss() => GradientCheck.Dot(layer.Forward(x, n, mask).Output, r);
        var g = new Gradients([.. layer.Parameters]);
        var dx = layer.Backward(layer.Forward(x, n, mask).Cache, r, g);
        GradientCheck.Matches(Loss, x, dx, "∂L/∂x");
        foreach (var p in layer.Parameters) GradientCheck.Matches(Loss, p.Value, g[p], p.Name);
    }

    [Theory]
    [InlineData(4, 3, 8, 2, true, false)]
    [InlineData(5, 6, 8, 4, true, true)]
    [InlineData(5, 4, 12, 3, false, true)]
    public void DecoderLayer_backward_matches_finite_differences(int t, int s, int width, int heads, bool causal, bool pad)
    {
        var rng = new Random(t * s + width * heads);
        var layer = new TrainableDecoderLayer(new DecoderLayer(width, heads, 2 * width, seed: 6), "layer.");
        var targetPad = Enumerable.Range(0, t).Select(j => pad && j == t - 1).ToArray();
        var sourcePad = Enumerable.Range(0, s).Select(j => pad && j >= s - 2).ToArray();
        var selfMask = TrainableTransformer.AdditiveMask(t, t, causal, targetPad);
        var memoryMask = TrainableTransformer.AdditiveMask(t, s, false, sourcePad);
        var x = GradientCheck.Random(t * width, rng, 2);
        var memory = GradientCheck.Random(s * width, rng, 2);
        var r = GradientCheck.Random(t * width, rng);
        double Loss() => GradientCheck.Dot(layer.Forward(x, t, selfMask, memory, s, memoryMask).Output, r);
        var g = new Gradients([.. layer.Parameters]);
        var (dx, dMemory) = layer.Backward(layer.Forward(x, t, selfMask, memory, s, memoryMask).Cache, r, g);
        GradientCheck.Matches(Loss, x, dx, "∂L/∂x");
        GradientCheck.Matches(Loss, memory, dMemory, "∂L/∂memory");
        foreach (var p in layer.Parameters) GradientCheck.Matches(Loss, p.Value, g[p], p.Name);
        if (pad)
            for (int j = s - 2; j < s; j++)
                for (int c = 0; c < width; c++) Assert.Equal(0.0, dMemory[j * width + c]);
    }

    [Fact]
    public void Cross_entropy_gradient_is_softmax_minus_one_hot_over_the_counted_targets()
    {
        var rng = new Random(9);
        var logits = Matrix<double>.Build.Dense(4, 6, (_, _) => 3 * (2 * rng.NextDouble() - 1));
        int[] targets = [3, 5, Vocabulary.Pad, 1];
        var analytic = CrossEntropyGradient.Of(logits, targets);
        var values = logits.ToRowMajorArray();
        double Loss() => CrossEntropy.Loss(Matrix<double>.Build.DenseOfRowMajor(4, 6, values), targets);
        GradientCheck.Matches(Loss, values, analytic.ToRowMajorArray(), "∂L/∂logits");
        Assert.All(analytic.Row(2), v => Assert.Equal(0.0, v)); // the PAD target's row
    }

    public static TheoryData<int, int, int, int, bool> ModelCases() => new()
    {
        // width, heads, encoder layers, decoder layers, causal
        { 4, 1, 1, 1, true },
        { 8, 2, 2, 2, true },
        { 8, 2, 2, 2, false },
        { 6, 3, 1, 2, true },
    };

    [Theory, MemberData(nameof(ModelCases))]
    public void Transformer_loss_gradient_matches_finite_differences_for_every_parameter(int width, int heads, int encoderLayers, int decoderLayers, bool causal)
    {
        var config = new TransformerConfig(9, 10, width, heads, 2 * width, encoderLayers, decoderLayers, MaxLength: 8);
        var model = new TrainableTransformer(config, seed: width + heads);
        int[][] sources = [[4, 5, 6, 0, 0], [7, 8, 4, 5, 6]];
        var pairs = new[] { TeacherForcing.Shift([6, 5, 4], 6), TeacherForcing.Shift([9, 8, 7, 6, 5], 6) };
        int counted = pairs.Sum(p => p.Targets.Count(t => t != Vocabulary.Pad));
        double Loss() => Enumerable.Range(0, 2).Sum(b =>
            CrossEntropy.PerPosition(model.Forward(sources[b], pairs[b].DecoderInput, causal).Logits, pairs[b].Targets).Sum()) / counted;
        var g = model.NewGradients();
        double lossSum = 0;
        for (int b = 0; b < 2; b++)
            lossSum += model.AccumulateGradients(sources[b], pairs[b].DecoderInput, pairs[b].Targets, causal, 1.0 / counted, g).LossSum;
        Assert.Equal(Loss(), lossSum / counted, 12);
        foreach (var p in model.Parameters)
            GradientCheck.Matches(Loss, p.Value, g[p], p.Name, maxChecks: 40);
    }

    [Fact]
    public void Pad_embedding_rows_get_exactly_zero_gradient()
    {
        var model = new TrainableTransformer(new TransformerConfig(9, 10, 8, 2, 16, 2, 2, MaxLength: 8), seed: 1);
        var pair = TeacherForcing.Shift([6, 5], 5);
        foreach (bool causal in new[] { true, false })
        {
            var g = model.NewGradients();
            model.AccumulateGradients([4, 5, 0, 0], pair.DecoderInput, pair.Targets, causal, 1, g);
            int d = model.Config.ModelWidth;
            Assert.All(g[model.SourceEmbedding].Take(d), v => Assert.Equal(0.0, v)); // row 0 = <pad>
            Assert.All(g[model.TargetEmbedding].Take(d), v => Assert.Equal(0.0, v));
            Assert.Contains(g[model.SourceEmbedding].Skip(4 * d).Take(d), v => v != 0); // a real token's row learns
        }
    }
}
