using AttentionLab.Kernels;
using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>The small-matrix product kernel gives MathNet's products, in its tiles and in the rows left over.</summary>
public class MatrixKernelsTests
{
    [Fact]
    public void MultiplyTransposed_and_Multiply_equal_MathNets_products_for_every_shape()
    {
        var gen = from n in Gen.Int[1, 40]
                  from k in Gen.Int[1, 20]
                  from m in Gen.Int[1, 20]
                  from x in Generators.Matrix(n, k)
                  from w in Generators.Matrix(m, k)
                  select (x, w);
        gen.Sample(t =>
        {
            var (x, w) = t;
            Check.Same(x.TransposeAndMultiply(w), MatrixKernels.MultiplyTransposed(x, w), 1e-12, "x Wᵀ");
            Check.Same(x * w.Transpose(), MatrixKernels.Multiply(x, w.Transpose()), 1e-12, "x W");
        }, iter: 200);
    }

    [Fact]
    public void Inputs_are_left_unchanged()
    {
        var x = Matrix<double>.Build.Dense(16, 5, (i, j) => i - j);
        var w = Matrix<double>.Build.Dense(6, 5, (i, j) => i * j);
        var (xBefore, wBefore) = (x.Clone(), w.Clone());
        MatrixKernels.MultiplyTransposed(x, w);
        Assert.Equal(xBefore, x);
        Assert.Equal(wBefore, w);
    }
}
