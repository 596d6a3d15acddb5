using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

public class MultiHeadAttentionTests
{
    private static Matrix<double> M(int rows, int cols, int seed) =>
        Matrix<double>.Build.Dense(rows, cols, (i, j) => Math.Sin(seed + 1.7 * i + 0.31 * j * (j + seed)));

    [Fact]
    public void Heads_are_contiguous_slices_of_the_model_width()
    {
        var mha = new MultiHeadAttention(6, 3, seed: 4);
        var (x, memory) = (M(4, 6, 1), M(5, 6, 2));
        bool[] pad = [false, false, true, false, true];
        var result = mha.Forward(x, memory, memory, keyIsPad: pad);

        var q = mha.QueryProjection.Forward(x);
        var k = mha.KeyProjection.Forward(memory);
        var v = mha.ValueProjection.Forward(memory);
        var concatenated = Matrix<double>.Build.Dense(4, 6);
        for (int h = 0; h < 3; h++)
        {
            var head = Attention.ScaledDotProduct(
                q.SubMatrix(0, 4, 2 * h, 2), k.SubMatrix(0, 5, 2 * h, 2), v.SubMatrix(0, 5, 2 * h, 2), Masks.Padding(pad, 4));
            concatenated.SetSubMatrix(0, 2 * h, head.Output);
            Check.Same(head.Weights, result.HeadWeights[h], 1e-15, $"head {h}");
        }
        Check.Same(mha.OutputProjection.Forward(concatenated), result.Output, 1e-15);
    }

    [Fact]
    public void In_projection_stacks_query_key_and_value_weights()
    {
        var mha = new MultiHeadAttention(4, 2, seed: 1);
        var w = mha.InProjectionWeight;
        Check.Same(mha.QueryProjection.Weight, w.SubMatrix(0, 4, 0, 4), 0);
        Check.Same(mha.KeyProjection.Weight, w.SubMatrix(4, 4, 0, 4), 0);
        Check.Same(mha.ValueProjection.Weight, w.SubMatrix(8, 4, 0, 4), 0);
        var rebuilt = new MultiHeadAttention(w, mha.InProjectionBias, mha.OutputProjection, 2);
        Check.Same(mha.Forward(M(3, 4, 0), M(3, 4, 0), M(3, 4, 0)).Output, rebuilt.Forward(M(3, 4, 0), M(3, 4, 0), M(3, 4, 0)).Output, 0);
    }

    [Fact]
    public void One_head_with_identity_projections_is_scaled_dot_product_attention()
    {
        var identity = Matrix<double>.Build.DenseIdentity(5);
        var mha = new MultiHeadAttention(identity.Stack(identity).Stack(identity), Vector<double>.Build.Dense(15),
                                         new Linear(identity, Vector<double>.Build.Dense(5)), heads: 1);
        var x = M(4, 5, 3);
        Check.Same(Attention.ScaledDotProduct(x, x, x, Masks.Causal(4)).Output, mha.Forward(x, x, x, Masks.Causal(4)).Output, 1e-15);
    }

    [Fact]
    public void Average_weights_are_the_mean_of_the_head_weights()
    {
        var result = new MultiHeadAttention(8, 4, seed: 2).Forward(M(3, 8, 1), M(3, 8, 1), M(3, 8, 1));
        var mean = (result.HeadWeights[0] + result.HeadWeights[1] + result.HeadWeights[2] + result.HeadWeights[3]) / 4;
        Check.Same(mean, result.AverageWeights, 1e-15);
    }

    [Fact]
    public void Padding_mask_gives_pad_keys_zero_weight_in_every_head()
    {
        var result = new MultiHeadAttention(6, 2, seed: 5).Forward(M(3, 6, 1), M(4, 6, 2), M(4, 6, 2), keyIsPad: [false, true, false, true]);
        foreach (var weights in result.HeadWeights)
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(0.0, weights[i, 1]);
                Assert.Equal(0.0, weights[i, 3]);
                Assert.True(weights[i, 0] > 0 && weights[i, 2] > 0);
            }
    }

    [Fact]
    public void Scores_are_kept_before_the_mask_and_masked_scores_after_it()
    {
        var result = new MultiHeadAttention(4, 2, seed: 5).Forward(M(3, 4, 1), M(3, 4, 1), M(3, 4, 1), Masks.Causal(3));
        for (int h = 0; h < 2; h++)
        {
            Assert.True(double.IsFinite(result.HeadScores[h][0, 2]));
            Assert.Equal(double.NegativeInfinity, result.HeadMaskedScores[h][0, 2]);
            Assert.Equal(result.HeadScores[h][2, 1], result.HeadMaskedScores[h][2, 1]);
        }
    }

    [Fact]
    public void Fully_masked_row_throws_by_default_and_gives_zeros_on_request()
    {
        var mha = new MultiHeadAttention(4, 2, seed: 5);
        var mask = Masks.Combine(Masks.Causal(3), Masks.Padding([true, false, false], 3)); // row 0 sees only a PAD key
        var x = M(3, 4, 1);
        var e = Assert.Throws<InvalidOperationException>(() => mha.Forward(x, x, x, mask));
        Assert.Contains("Row 0", e.Message);
        var zeros = mha.Forward(x, x, x, mask, policy: FullyMaskedRowPolicy.Zeros);
        Assert.All(zeros.HeadWeights, w => Assert.Equal(0.0, w.Row(0).AbsoluteMaximum()));
    }
}
