using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

public class AttentionTests
{
    [Fact]
    public void Weight_rows_sum_to_one_and_pad_keys_get_exactly_zero_weight() =>
        Generators.Attention.Sample(t =>
        {
            var mask = Masks.Padding(t.KeyIsPad, t.Q.RowCount);
            var r = Attention.ScaledDotProduct(t.Q, t.K, t.V, mask);
            for (int i = 0; i < t.Q.RowCount; i++)
            {
                Assert.Equal(1.0, r.Weights.Row(i).Sum(), 12);
                for (int j = 0; j < t.K.RowCount; j++)
                    if (t.KeyIsPad[j]) Assert.Equal(0.0, r.Weights[i, j]);
            }
        });

    [Fact]
    public void Changing_a_pad_key_or_value_changes_no_output() =>
        Generators.Attention.Sample(t =>
        {
            var mask = Masks.Padding(t.KeyIsPad, t.Q.RowCount);
            var before = Attention.ScaledDotProduct(t.Q, t.K, t.V, mask).Output;
            var k = t.K.Clone();
            var v = t.V.Clone();
            for (int j = 0; j < k.RowCount; j++)
                if (t.KeyIsPad[j])
                {
                    k.SetRow(j, k.Row(j) * 7 + 1);
                    v.SetRow(j, v.Row(j) * -5 + 2);
                }
            var after = Attention.ScaledDotProduct(t.Q, k, v, mask).Output;
            Check.Same(before, after, 0);
        });

    [Fact]
    public void With_a_causal_mask_a_later_token_changes_no_earlier_output() =>
        (from n in Gen.Int[2, 9]
         from d in Gen.Int[1, 8]
         from x in Generators.Matrix(n, d)
         from changed in Gen.Int[1, n - 1]
         select (n, x, changed))
        .Sample(t =>
        {
            var before = Attention.ScaledDotProduct(t.x, t.x, t.x, Masks.Causal(t.n)).Output;
            var y = t.x.Clone();
            y.SetRow(t.changed, y.Row(t.changed) + 1);
            var after = Attention.ScaledDotProduct(y, y, y, Masks.Causal(t.n)).Output;
            Check.Same(before.SubMatrix(0, t.changed, 0, before.ColumnCount), after.SubMatrix(0, t.changed, 0, after.ColumnCount), 0);
        });

    [Fact]
    public void Scores_are_scaled_by_the_square_root_of_the_key_width()
    {
        var q = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 2, 3, 4 } });
        var k = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 1, 1, 1 }, { 0.0, 0, 0, 0 } });
        var r = Attention.ScaledDotProduct(q, k, k);
        Assert.Equal(10 / 2.0, r.Scores[0, 0], 15);
        Assert.Same(r.Scores, r.MaskedScores);
    }

    [Fact]
    public void Masked_scores_are_scores_plus_the_mask()
    {
        var x = Matrix<double>.Build.Dense(3, 2, (i, j) => i + j);
        var r = Attention.ScaledDotProduct(x, x, x, Masks.Causal(3));
        Check.Same(r.Scores + Masks.Causal(3), r.MaskedScores, 0);
        Assert.Equal(0.0, r.Weights[0, 1]);
    }
}
