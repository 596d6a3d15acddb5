using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

public class SoftmaxTests
{
    [Fact]
    public void Rows_sum_to_one_and_masked_entries_are_exactly_zero() =>
        (from scores in Generators.Matrix(4, 6, 50)
         from hidden in Gen.Bool.Array[24]
         select (scores, hidden))
        .Sample(t =>
        {
            var masked = t.scores.Clone();
            for (int i = 0; i < 4; i++)
                for (int j = 1; j < 6; j++) // column 0 stays visible: no row is fully masked
                    if (t.hidden[i * 6 + j]) masked[i, j] = double.NegativeInfinity;
            var w = Softmax.Rows(masked);
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(1.0, w.Row(i).Sum(), 12);
                for (int j = 0; j < 6; j++)
                    if (double.IsNegativeInfinity(masked[i, j])) Assert.Equal(0.0, w[i, j]);
                    else Assert.True(w[i, j] > 0 || masked[i, j] - masked.Row(i).Maximum() < -700);
            }
        });

    [Fact]
    public void Large_scores_do_not_overflow()
    {
        var w = Softmax.Rows(Matrix<double>.Build.DenseOfArray(new[,] { { 1000.0, 999.0, -1000.0 } }));
        Assert.Equal(1 / (1 + Math.Exp(-1)), w[0, 0], 14);
        Assert.DoesNotContain(w.Enumerate(), double.IsNaN);
    }

    [Fact]
    public void Softmax_ignores_a_constant_added_to_a_row() =>
        Generators.Matrix(3, 5).Sample(s =>
            Check.Same(Softmax.Rows(s), Softmax.Rows(s + 123.0), 1e-12));

    [Fact]
    public void A_fully_masked_row_is_an_error_naming_the_row_by_default()
    {
        var scores = Matrix<double>.Build.DenseOfArray(new[,] { { 0.0, 1.0 }, { double.NegativeInfinity, double.NegativeInfinity } });
        var e = Assert.Throws<InvalidOperationException>(() => Softmax.Rows(scores));
        Assert.Contains("Row 1", e.Message);
    }

    [Fact]
    public void A_fully_masked_row_gives_zeros_on_request()
    {
        var scores = Matrix<double>.Build.DenseOfArray(new[,] { { 0.0, 0.0 }, { double.NegativeInfinity, double.NegativeInfinity } });
        var w = Softmax.Rows(scores, FullyMaskedRowPolicy.Zeros);
        Assert.Equal([0.5, 0.5, 0.0, 0.0], [w[0, 0], w[0, 1], w[1, 0], w[1, 1]]);
    }
}
