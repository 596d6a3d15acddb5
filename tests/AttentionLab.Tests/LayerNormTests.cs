using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

public class LayerNormTests
{
    [Fact]
    public void Layer_norm_gives_each_row_mean_zero_and_variance_one()
    {
        var x = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2, 3, 10 }, { -5, 0, 5, 100 } });
        var y = new LayerNorm(4).Forward(x);
        for (int i = 0; i < 2; i++)
        {
            var row = y.Row(i);
            Assert.Equal(0.0, row.Average(), 1e-12);
            Assert.Equal(1.0, row.Select(v => v * v).Average(), 1e-4); // ε = 1e-5 keeps it a little under 1
        }
    }

    [Fact]
    public void Constant_row_normalises_to_the_bias_without_dividing_by_zero()
    {
        var bias = Vector<double>.Build.DenseOfArray([0.5, -1, 2]);
        var y = new LayerNorm(Vector<double>.Build.Dense(3, 2.0), bias).Forward(Matrix<double>.Build.Dense(1, 3, 7.0));
        Check.Same(bias.ToRowMatrix(), y, 0);
    }
}
