using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>
/// One sublayer of an encoder or decoder layer with its residual connection and layer norm, as training runs
/// it (lessons 04 and 08): post-norm y = norm(x + f(x)), pre-norm y = x + f(norm(x)). The forward returns
/// what the norm normalised, which is all its backward pass needs besides the branch's own tape.
/// </summary>
internal static class Sublayer
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (Matrix<double> Output, Matrix<double> NormInput, T Branch) Forward<T>(
        Matrix<double> x, LayerNorm norm, bool normFirst, Func<Matrix<double>, T> branch, Func<T, Matrix<double>> output)
    {
        if (normFirst)
        {
            var inner = branch(norm.Forward(x));
            return (x + output(inner), x, inner);
        }
        var tape = branch(x);
        var sum = x + output(tape);
        return (norm.Forward(sum), sum, tape);
    }

    /// <summary>∂L/∂x of the sublayer: the gradient splits at the residual, goes through the branch, and adds up again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Matrix<double> Backward(
        Matrix<double> dy, LayerNorm norm, bool normFirst, Matrix<double> normInput, Func<Matrix<double>, Matrix<double>> branch,
        Gradients gradients)
    {
        if (normFirst) return dy + norm.Backward(normInput, branch(dy), gradients);
        var dSum = norm.Backward(normInput, dy, gradients);
        return dSum + branch(dSum);
    }
}
