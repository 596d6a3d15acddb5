using MathNet.Numerics.LinearAlgebra;
using static AttentionLab.Tests.GradientCheck;

namespace AttentionLab.Tests;

/// <summary>
/// Every layer's Backward (lesson 08) against finite differences, in float64, for several sizes, with
/// causal and padding masks, PAD tokens, post-norm and pre-norm. Layer tests use the loss L = Σ y ⊙ R for
/// a fixed random R, so ∂L/∂y = R; the model tests use the real loss, cross-entropy with PAD targets
/// ignored. The weights nudged are the layers' own matrices: the ones training changes in place.
/// The forward passes compared with the training forward run their readable paths (FastPath.ReadableOnly), so
/// the two agree exactly; FastPathTests checks the layers' fast paths against the same readable paths.
/// </summary>
public sealed class GradientTests : IDisposable
{
    private readonly IDisposable readable = AttentionLab.Kernels.FastPath.ReadableOnly();

    public void Dispose() => readable.Dispose();

    // nn.MultiheadAttention starts with zero biases; random ones make their gradients worth checking.
    private static void RandomiseBiases(MultiHeadAttention layer, Random rng)
    {
        foreach (var bias in new[] { layer.QueryProjection.Bias, layer.KeyProjection.Bias, layer.ValueProjection.Bias, layer.OutputProjection.Bias })
            bias.MapInplace(_ => 2 * rng.NextDouble() - 1);
    }

    private static void EveryParameterMatches(Func<double> loss, IEnumerable<Parameter> parameters, Gradients g, string what = "", int maxChecks = int.MaxValue)
    {
        foreach (var p in parameters) Matches(loss, p.Value, g[p], what + p.Name, maxChecks: maxChecks);
    }

    private static Mask? KeyMask(int queries, int keys, bool causal, bool[] keyIsPad)
    {
        Mask? padding = keyIsPad.Any(p => p) ? Mask.KeyPadding(keyIsPad, queries) : null;
        if (!causal) return padding;
        return padding is null ? Mask.Causal(queries, keys) : Mask.Causal(queries, keys).And(padding);
    }

    [Theory]
    [InlineData(1, 3, 2)]
    [InlineData(4, 5, 7)]
    [InlineData(6, 16, 8)]
    [InlineData(9, 16, 12)]
    [InlineData(5, 7, 20)]   // a weight gradient of 16 + 4 rows: the register blocks and the rest
    [InlineData(8, 12, 35)]
    public void Linear_backward_matches_finite_differences(int n, int inFeatures, int outFeatures)
    {
        var rng = new Random(n * 100 + inFeatures);
        var layer = new Linear(inFeatures, outFeatures, seed: 3);
        RowwiseLayerMatches(layer.Forward, layer.Backward, layer.Parameters(), Matrix(n, inFeatures, rng, 2), Matrix(n, outFeatures, rng));
    }

    // L = Σ forward(x) ⊙ r: ∂L/∂x and every parameter's gradient from backward against finite differences.
    private static void RowwiseLayerMatches(
        Func<Matrix<double>, Matrix<double>> forward, Func<Matrix<double>, Matrix<double>, Gradients, Matrix<double>> backward,
        IEnumerable<Parameter> parameters, Matrix<double> x, Matrix<double> r)
    {
        double Loss() => Dot(forward(x), r);
        var g = new Gradients([.. parameters]);
        Matches(Loss, Values(x), Values(backward(x, r, g)), "∂L/∂x");
        EveryParameterMatches(Loss, parameters, g);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(3, 5)]
    [InlineData(5, 16)]
    public void LayerNorm_backward_matches_finite_differences(int n, int width)
    {
        var rng = new Random(n * 10 + width);
        var layer = new LayerNorm(Vector<double>.Build.DenseOfArray(Random(width, rng, 2)), Vector<double>.Build.DenseOfArray(Random(width, rng)));
        RowwiseLayerMatches(layer.Forward, layer.Backward, layer.Parameters(), Matrix(n, width, rng, 3), Matrix(n, width, rng));
    }

    [Theory]
    [InlineData(1, 4, 6)]
    [InlineData(5, 8, 12)]
    public void FeedForward_backward_matches_finite_differences(int n, int width, int hidden)
    {
        var rng = new Random(n + width + hidden);
        var block = new FeedForward(width, hidden, seed: 5);
        var x = Matrix(n, width, rng, 2);
        Check.Same(block.Forward(x), block.ForwardForTraining(x).Output, 0, "the training forward is the forward");
        RowwiseLayerMatches(block.Forward, (input, r, g) => block.Backward(block.ForwardForTraining(input), r, g),
            block.Parameters(), x, Matrix(n, width, rng));
    }

    [Fact]
    public void Embedding_backward_adds_each_position_into_its_token_row()
    {
        var rng = new Random(4);
        var table = new Embedding(7, 5, seed: 2);
        int[] ids = [3, 1, 3, 6];
        var r = Matrix(ids.Length, 5, rng);
        double Loss() => Dot(table.Forward(ids), r);
        var g = new Gradients([.. table.Parameters()]);
        table.Backward(ids, r, g);
        EveryParameterMatches(Loss, table.Parameters(), g);
        Assert.All(g.Of(table.Weight).Row(0), v => Assert.Equal(0.0, v)); // a token absent from ids learns nothing
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
        { 9, 0, 8, true, true },    // more rows than one register tile of the products
    };

    [Theory, MemberData(nameof(AttentionCases))]
    public void MultiHeadAttention_backward_matches_finite_differences(int nq, int nk, int width, bool causal, bool pad)
    {
        foreach (int heads in new[] { 1, 2, 4 }.Where(h => width % h == 0))
        {
            var rng = new Random(nq * 31 + nk * 7 + width + heads);
            var layer = new MultiHeadAttention(width, heads, seed: heads);
            RandomiseBiases(layer, rng);
            bool self = nk == 0;
            int keys = self ? nq : nk;
            var isPad = Enumerable.Range(0, keys).Select(j => pad && j >= keys - 2 && j > 0).ToArray();
            var mask = KeyMask(nq, keys, causal, isPad);
            var query = Matrix(nq, width, rng, 2);
            var memory = self ? query : Matrix(keys, width, rng, 2);
            var r = Matrix(nq, width, rng);
            double Loss() => Dot(mask is null ? layer.Forward(query, memory, memory).Output : layer.Forward(query, memory, memory, mask).Output, r);
            var g = new Gradients([.. layer.Parameters()]);
            var tape = layer.ForwardForTraining(query, memory, memory, mask);
            Assert.Equal(Loss(), Dot(tape.Output, r));
            var d = layer.Backward(tape, r, g);
            if (self)
            {
                Matches(Loss, Values(query), Values(d.Query + d.Key + d.Value), $"{heads} heads ∂L/∂x");
            }
            else
            {
                Matches(Loss, Values(query), Values(d.Query), $"{heads} heads ∂L/∂query");
                Matches(Loss, Values(memory), Values(d.Key + d.Value), $"{heads} heads ∂L/∂memory");
            }
            EveryParameterMatches(Loss, layer.Parameters(), g, $"{heads} heads ");
        }
    }

    [Fact]
    public void A_hidden_key_gets_exactly_zero_gradient()
    {
        // Padding: the two PAD keys' rows get no gradient at all through keys or values.
        var rng = new Random(2);
        int n = 5, d = 8;
        var layer = new MultiHeadAttention(d, 2, seed: 1);
        var x = Matrix(n, d, rng, 2);
        var tape = layer.ForwardForTraining(x, x, x, Mask.KeyPadding([false, false, false, true, true], n));
        var back = layer.Backward(tape, Matrix(n, d, rng), new Gradients([.. layer.Parameters()]));
        var dkv = back.Key + back.Value;
        for (int j = 3; j < n; j++) Assert.All(dkv.Row(j), v => Assert.Equal(0.0, v));

        // Causal: a loss on query row 0 alone sends no gradient to keys 1 … n−1 (the future it cannot see).
        var r = Matrix<double>.Build.Dense(n, d);
        r.SetRow(0, Vector<double>.Build.Dense(d, 1.0));
        tape = layer.ForwardForTraining(x, x, x, Mask.Causal(n));
        back = layer.Backward(tape, r, new Gradients([.. layer.Parameters()]));
        dkv = back.Key + back.Value;
        for (int j = 1; j < n; j++) Assert.All(dkv.Row(j), v => Assert.Equal(0.0, v));
        Assert.Contains(dkv.Row(0), v => v != 0);
    }

    [Theory]
    [InlineData(FullyMaskedRowPolicy.Zeros)]
    [InlineData(FullyMaskedRowPolicy.Uniform)]
    public void A_fully_masked_row_follows_its_policy_forward_and_backward(FullyMaskedRowPolicy policy)
    {
        // Query 0 sees nothing; under a non-throwing policy its weights are fixed, so its scores get no gradient.
        var rng = new Random(6);
        int n = 4, d = 4;
        var layer = new MultiHeadAttention(d, 2, seed: 2);
        var mask = Mask.FromPredicate(n, n, (i, j) => i > 0 && j <= i);
        var x = Matrix(n, d, rng, 2);
        var r = Matrix(n, d, rng);
        double Loss() => Dot(layer.Forward(x, x, x, mask, policy).Output, r);
        var g = new Gradients([.. layer.Parameters()]);
        var tape = layer.ForwardForTraining(x, x, x, mask, policy);
        Assert.Equal(Loss(), Dot(tape.Output, r));
        var back = layer.Backward(tape, r, g);
        Matches(Loss, Values(x), Values(back.Query + back.Key + back.Value), "∂L/∂x");
        EveryParameterMatches(Loss, layer.Parameters(), g);
    }

    [Theory]
    [InlineData(3, 8, 2, false, false)]
    [InlineData(5, 8, 4, true, false)]
    [InlineData(5, 8, 2, true, true)]
    public void EncoderLayer_backward_matches_finite_differences(int n, int width, int heads, bool pad, bool normFirst)
    {
        var rng = new Random(n + width * heads);
        var layer = new EncoderLayer(width, heads, 2 * width, seed: 4, normFirst);
        var mask = KeyMask(n, n, false, Enumerable.Range(0, n).Select(j => pad && j == n - 1).ToArray());
        var x = Matrix(n, width, rng, 2);
        var r = Matrix(n, width, rng);
        double Loss() => Dot(mask is null ? layer.Forward(x).Output : layer.Forward(x, mask).Output, r);
        var g = new Gradients([.. layer.Parameters()]);
        var tape = layer.ForwardForTraining(x, mask);
        Check.Same(mask is null ? layer.Forward(x).Output : layer.Forward(x, mask).Output, tape.Output, 0, "the training forward is the forward");
        var dx = layer.Backward(tape, r, g);
        Matches(Loss, Values(x), Values(dx), "∂L/∂x");
        EveryParameterMatches(Loss, layer.Parameters(), g);
    }

    [Theory]
    [InlineData(4, 3, 8, 2, true, false, false)]
    [InlineData(5, 6, 8, 4, true, true, false)]
    [InlineData(5, 4, 12, 3, false, true, false)]
    [InlineData(5, 6, 8, 2, true, true, true)]
    public void DecoderLayer_backward_matches_finite_differences(int t, int s, int width, int heads, bool causal, bool pad, bool normFirst)
    {
        var rng = new Random(t * s + width * heads);
        var layer = new DecoderLayer(width, heads, 2 * width, seed: 6, normFirst);
        var targetPad = Enumerable.Range(0, t).Select(j => pad && j == t - 1).ToArray();
        var sourcePad = Enumerable.Range(0, s).Select(j => pad && j >= s - 2).ToArray();
        var selfMask = KeyMask(t, t, causal, targetPad) ?? Mask.All(t, t);
        var crossMask = KeyMask(t, s, false, sourcePad) ?? Mask.All(t, s);
        var x = Matrix(t, width, rng, 2);
        var memory = Matrix(s, width, rng, 2);
        var r = Matrix(t, width, rng);
        double Loss() => Dot(layer.Forward(x, memory, selfMask, crossMask).Output, r);
        var g = new Gradients([.. layer.Parameters()]);
        var tape = layer.ForwardForTraining(x, memory, selfMask, crossMask);
        Assert.Equal(Loss(), Dot(tape.Output, r));
        var (dx, dMemory) = layer.Backward(tape, r, g);
        Matches(Loss, Values(x), Values(dx), "∂L/∂x");
        Matches(Loss, Values(memory), Values(dMemory), "∂L/∂memory");
        EveryParameterMatches(Loss, layer.Parameters(), g);
        if (pad)
            for (int j = s - 2; j < s; j++) Assert.All(dMemory.Row(j), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Cross_entropy_gradient_is_softmax_minus_one_hot_over_the_counted_targets()
    {
        var rng = new Random(9);
        var logits = Matrix<double>.Build.Dense(4, 6, (_, _) => 3 * (2 * rng.NextDouble() - 1));
        int[] targets = [3, 5, Vocabulary.Pad, 1];
        var analytic = CrossEntropyGradient.Of(logits, targets);
        double Loss() => CrossEntropy.Loss(logits, targets);
        Matches(Loss, Values(logits), Values(analytic), "∂L/∂logits");
        Assert.All(analytic.Row(2), v => Assert.Equal(0.0, v)); // the PAD target's row
    }

    public static TheoryData<int, int, int, int, bool, bool> ModelCases() => new()
    {
        // width, heads, encoder layers, decoder layers, causal, pre-norm
        { 4, 1, 1, 1, true, false },
        { 8, 2, 2, 2, true, false },
        { 8, 2, 2, 2, false, false },
        { 6, 3, 1, 2, true, false },
        { 8, 2, 1, 2, true, true },
    };

    [Theory, MemberData(nameof(ModelCases))]
    public void Transformer_loss_gradient_matches_finite_differences_for_every_parameter(
        int width, int heads, int encoderLayers, int decoderLayers, bool causal, bool normFirst)
    {
        var config = new TransformerConfig(9, 10, width, heads, 2 * width, encoderLayers, decoderLayers, MaxLength: 8, NormFirst: normFirst);
        var model = new Transformer(config, seed: width + heads);
        int[][] sources = [[4, 5, 6, 0, 0], [7, 8, 4, 5, 6]];
        var pairs = new[] { TeacherForcing.Shift([6, 5, 4], 6), TeacherForcing.Shift([9, 8, 7, 6, 5], 6) };
        int counted = pairs.Sum(p => p.Targets.Count(t => t != Vocabulary.Pad));
        double Loss() => Enumerable.Range(0, 2).Sum(b =>
            CrossEntropy.PerPosition(model.Run(sources[b], pairs[b].DecoderInput, causal).Logits, pairs[b].Targets).Sum()) / counted;
        var g = model.NewGradients();
        double lossSum = 0;
        for (int b = 0; b < 2; b++)
            lossSum += model.AccumulateGradients(sources[b], pairs[b].DecoderInput, pairs[b].Targets, causal, 1.0 / counted, g).LossSum;
        Assert.Equal(Loss(), lossSum / counted, 12);
        EveryParameterMatches(Loss, model.Parameters, g, maxChecks: 40);
    }

    [Fact]
    public void Pad_embedding_rows_get_exactly_zero_gradient()
    {
        var model = new Transformer(new TransformerConfig(9, 10, 8, 2, 16, 2, 2, MaxLength: 8), seed: 1);
        var pair = TeacherForcing.Shift([6, 5], 5);
        foreach (bool causal in new[] { true, false })
        {
            var g = model.NewGradients();
            model.AccumulateGradients([4, 5, 0, 0], pair.DecoderInput, pair.Targets, causal, 1, g);
            var source = g.Of(model.SourceEmbedding.Weight);
            Assert.All(source.Row(Vocabulary.Pad), v => Assert.Equal(0.0, v));
            Assert.All(g.Of(model.TargetEmbedding.Weight).Row(Vocabulary.Pad), v => Assert.Equal(0.0, v));
            Assert.Contains(source.Row(4), v => v != 0); // a real token's row learns
        }
    }
}
