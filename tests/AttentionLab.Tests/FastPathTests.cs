using AttentionLab.Kernels;
using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>
/// The layers' fast paths compute the same functions as their readable paths (FastPath.ReadableOnly runs the
/// latter on this thread): multi-head attention without its per-head matrices, the feed-forward block without its
/// n × hidden matrix, and the product kernel with a bias and a ReLU.
/// </summary>
public class FastPathTests
{
    private static T Readable<T>(Func<T> run)
    {
        using (FastPath.ReadableOnly()) return run();
    }

    private static void SameAttention(MultiHeadAttentionResult readable, MultiHeadAttentionResult fast, string what, double tolerance = 0)
    {
        Check.Same(readable.Output, fast.Output, 1e-12, what + ": output");
        Assert.Equal(readable.HeadWeights.Count, fast.HeadWeights.Count);
        for (int h = 0; h < readable.HeadWeights.Count; h++)
        {
            Check.Same(readable.HeadWeights[h], fast.HeadWeights[h], tolerance, $"{what}: weights of head {h}");
            Check.Same(readable.HeadScores[h], fast.HeadScores[h], tolerance, $"{what}: scores of head {h}");
            Check.Same(readable.HeadMaskedScores[h], fast.HeadMaskedScores[h], tolerance, $"{what}: masked scores of head {h}");
        }
    }

    [Fact]
    public void Multi_head_attention_fast_path_equals_the_readable_heads_with_and_without_masks()
    {
        var gen = from heads in Gen.Int[1, 4]
                  from headWidth in Gen.Int[1, 6]
                  from nq in Gen.Int[1, 20]
                  from nk in Gen.Int[1, 20]
                  from seed in Gen.Int
                  from x in Generators.Matrix(nq, heads * headWidth)
                  from memory in Generators.Matrix(nk, heads * headWidth)
                  from pads in Gen.Bool.Array[nk]
                  from causal in Gen.Bool
                  select (heads, headWidth, seed, x, memory, pads, causal);
        gen.Sample(t =>
        {
            var (heads, headWidth, seed, x, memory, pads, causal) = t;
            var attention = new MultiHeadAttention(heads * headWidth, heads, seed);
            int nq = x.RowCount, nk = memory.RowCount;
            var mask = causal && nk >= nq ? Masks.Causal(nq, nk) : null;
            var keyIsPad = pads.All(p => p) ? null : pads;
            var policy = FullyMaskedRowPolicy.Zeros; // causal with padding may hide a whole row
            SameAttention(
                Readable(() => attention.Forward(x, memory, memory, mask, keyIsPad, policy)),
                attention.Forward(x, memory, memory, mask, keyIsPad, policy), "cross");
            var selfMask = causal ? Masks.Causal(nq) : null;
            SameAttention(
                Readable(() => attention.Forward(x, x, x, selfMask)), attention.Forward(x, x, x, selfMask), "self");
        }, iter: 150);
    }

    [Theory]
    [InlineData(FullyMaskedRowPolicy.Zeros)]
    [InlineData(FullyMaskedRowPolicy.NaN)]
    [InlineData(FullyMaskedRowPolicy.Uniform)]
    public void A_fully_masked_row_gets_the_readable_answer_under_every_policy(FullyMaskedRowPolicy policy)
    {
        var attention = new MultiHeadAttention(8, 2, seed: 3);
        var x = Matrix<double>.Build.Dense(5, 8, (i, j) => Math.Sin(i + 2 * j));
        var mask = Masks.Causal(5);
        mask.SetRow(2, Vector<double>.Build.Dense(5, double.NegativeInfinity));
        SameAttentionOrNaN(Readable(() => attention.Forward(x, x, x, mask, policy: policy)), attention.Forward(x, x, x, mask, policy: policy));
    }

    private static void SameAttentionOrNaN(MultiHeadAttentionResult readable, MultiHeadAttentionResult fast)
    {
        for (int i = 0; i < readable.Output.RowCount; i++)
            for (int j = 0; j < readable.Output.ColumnCount; j++)
                if (double.IsNaN(readable.Output[i, j])) Assert.True(double.IsNaN(fast.Output[i, j]));
                else Assert.Equal(readable.Output[i, j], fast.Output[i, j], 1e-12);
    }

    [Fact]
    public void Bad_input_fails_as_the_readable_path_fails()
    {
        var attention = new MultiHeadAttention(8, 2, seed: 3);
        var x = Matrix<double>.Build.Dense(4, 8, (i, j) => i - j);
        var rowHidden = Masks.Causal(4);
        rowHidden.SetRow(1, Vector<double>.Build.Dense(4, double.NegativeInfinity));
        var expected = Assert.Throws<InvalidOperationException>(() => Readable(() => attention.Forward(x, x, x, rowHidden)));
        var actual = Assert.Throws<InvalidOperationException>(() => attention.Forward(x, x, x, rowHidden));
        Assert.Equal(expected.Message, actual.Message);

        var nanMask = Masks.Causal(4);
        nanMask[2, 0] = double.NaN;
        var expectedNaN = Assert.Throws<ArgumentException>(() => Readable(() => attention.Forward(x, x, x, nanMask)));
        Assert.Equal(expectedNaN.Message, Assert.Throws<ArgumentException>(() => attention.Forward(x, x, x, nanMask)).Message);

        var huge = x.Clone();
        huge[0, 0] = 1e300; // finite, but its projection overflows to ±∞
        var expectedHuge = Record.Exception(() => Readable(() => attention.Forward(huge, huge, huge)));
        var actualHuge = Record.Exception(() => attention.Forward(huge, huge, huge));
        Assert.Equal(expectedHuge?.GetType(), actualHuge?.GetType());
        Assert.Equal(expectedHuge?.Message, actualHuge?.Message);
    }

    [Fact]
    public void Decoder_layer_output_is_the_same_on_both_paths()
    {
        foreach (var n in new[] { 1, 7, 16, 64 })
            foreach (var normFirst in new[] { false, true })
            {
                var layer = new DecoderLayer(64, 4, 256, seed: n, normFirst: normFirst);
                var random = new Random(n);
                var x = Matrix<double>.Build.Dense(n, 64, (_, _) => random.NextDouble() * 2 - 1);
                var memory = Matrix<double>.Build.Dense(n + 3, 64, (_, _) => random.NextDouble() * 2 - 1);
                var readable = Readable(() => layer.Forward(x, memory, Masks.Causal(n)));
                var fast = layer.Forward(x, memory, Masks.Causal(n));
                Check.Same(readable.Output, fast.Output, 1e-12, $"n = {n}, normFirst = {normFirst}");
                SameAttention(readable.SelfAttention, fast.SelfAttention, "self");
                // The cross-attention reads the self-attention's output, equal to 1e-12, so its matrices are too.
                SameAttention(readable.CrossAttention, fast.CrossAttention, "cross", 1e-12);
            }
    }

    [Fact]
    public void Feed_forward_fast_path_equals_linear_relu_linear()
    {
        var gen = from n in Gen.Int[1, 40]
                  from d in Gen.Int[1, 12]
                  from hidden in Gen.Int[1, 30]
                  from seed in Gen.Int
                  from x in Generators.Matrix(n, d)
                  select (d, hidden, seed, x);
        gen.Sample(t =>
        {
            var (d, hidden, seed, x) = t;
            var block = new FeedForward(d, hidden, seed);
            var hiddenRows = block.Linear1.Forward(x);
            hiddenRows.MapInplace(h => Math.Max(h, 0));
            var byHand = block.Linear2.Forward(hiddenRows);
            Check.Same(byHand, Readable(() => block.Forward(x)), 0, "readable");
            Check.Same(byHand, block.Forward(x), 1e-12, "fast");
        }, iter: 200);
    }

    [Fact]
    public void Product_kernel_adds_the_bias_and_applies_the_relu()
    {
        var gen = from n in Gen.Int[1, 40]
                  from k in Gen.Int[1, 20]
                  from m in Gen.Int[1, 20]
                  from x in Generators.Matrix(n, k)
                  from w in Generators.Matrix(m, k)
                  from b in Gen.Double[-3, 3].Array[m]
                  select (x, w, b);
        gen.Sample(t =>
        {
            var (x, w, b) = t;
            var bias = Vector<double>.Build.Dense(b);
            var expected = x.TransposeAndMultiply(w);
            for (int i = 0; i < expected.RowCount; i++) expected.SetRow(i, expected.Row(i) + bias);
            Check.Same(expected, MatrixKernels.MultiplyTransposed(x, w, bias), 1e-12, "x Wᵀ + b");
            var y = new double[x.RowCount * w.RowCount];
            MatrixKernels.MultiplyTransposed(x.ToColumnMajorArray(), 0, w.ToColumnMajorArray(), 0, b, y, 0, x.RowCount, w.RowCount, x.ColumnCount, relu: true);
            Check.Same(expected.Map(e => Math.Max(e, 0)), Matrix<double>.Build.Dense(x.RowCount, w.RowCount, y), 1e-12, "ReLU(x Wᵀ + b)");
        }, iter: 200);
    }
}

/// <summary>The fused kernel gives the same attention with its own exp and with TensorPrimitives.Exp on visible tiles.</summary>
public class FusedLibraryExpTests
{
    [Fact]
    public void Library_exp_in_the_fused_kernel_equals_its_own_exp()
    {
        var gen = from n in Gen.Int[1, 200]
                  from nk in Gen.Int[1, 200]
                  from d in Gen.Int[1, 20]
                  from causal in Gen.Bool
                  from q in Generators.Matrix(n, d)
                  from k in Generators.Matrix(Math.Max(n, nk), d)
                  from v in Generators.Matrix(Math.Max(n, nk), d)
                  select (q, k, v, causal);
        gen.Sample(t =>
        {
            var (q, k, v, causal) = t;
            var own = FusedAttention.Compute(q, k, v, causal).Output;
            var library = FusedAttention.Compute(q, k, v, causal, options: new FusedAttentionOptions { LibraryExp = true }).Output;
            Check.Same(own, library, 1e-12, "fused output");
            Check.Same(Attention.ScaledDotProduct(q, k, v, causal ? Masks.Causal(q.RowCount, k.RowCount) : null).Output, library, 1e-12, "readable");
        }, iter: 60);
    }
}
