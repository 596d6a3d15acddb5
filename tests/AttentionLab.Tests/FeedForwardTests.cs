using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

public class FeedForwardTests
{
    [Fact]
    public void Linear_computes_x_times_weight_transposed_plus_bias()
    {
        var weight = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }); // (out 3, in 2)
        var linear = new Linear(weight, Vector<double>.Build.DenseOfArray([10, 20, 30]));
        var y = linear.Forward(Matrix<double>.Build.DenseOfArray(new double[,] { { 1, -1 } }));
        Check.Same(Matrix<double>.Build.DenseOfArray(new double[,] { { 9, 19, 29 } }), y, 0);
    }

    [Fact]
    public void Relu_between_the_layers_cuts_negative_hidden_values()
    {
        var identity = Matrix<double>.Build.DenseIdentity(2);
        var ff = new FeedForward(new Linear(identity, Vector<double>.Build.Dense(2)), new Linear(identity, Vector<double>.Build.Dense(2)));
        var y = ff.Forward(Matrix<double>.Build.DenseOfArray(new double[,] { { -3, 4 }, { 2, -0.5 } }));
        Check.Same(Matrix<double>.Build.DenseOfArray(new double[,] { { 0, 4 }, { 2, 0 } }), y, 0);
    }

    [Fact]
    public void Feed_forward_treats_every_row_alone()
    {
        var ff = new FeedForward(5, 7, seed: 3);
        var x = Matrix<double>.Build.Dense(3, 5, (i, j) => Math.Cos(i * 5 + j));
        var all = ff.Forward(x);
        for (int i = 0; i < 3; i++)
            Check.Same(all.SubMatrix(i, 1, 0, 5), ff.Forward(x.SubMatrix(i, 1, 0, 5)), 1e-15);
    }
}
