using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

public class CheckTests
{
    [Fact]
    public void Same_fails_naming_the_largest_difference()
    {
        var a = Matrix<double>.Build.Dense(2, 2);
        var b = a.Clone();
        b[1, 0] = 1e-6;
        var e = Assert.Throws<CheckFailedException>(() => Check.Same(a, b, 1e-9, "weights"));
        Assert.Contains("weights", e.Message);
        Assert.Contains("[1, 0]", e.Message);
    }

    [Fact]
    public void Same_treats_minus_infinity_as_equal_only_to_itself()
    {
        Check.Same(Masks.Causal(3), Masks.Causal(3), 0);
        Assert.Throws<CheckFailedException>(() => Check.Same(Masks.Causal(3), Masks.None(3, 3)));
    }

    [Fact]
    public void Same_never_accepts_nan()
    {
        var nan = Matrix<double>.Build.Dense(1, 1, double.NaN);
        Assert.Throws<CheckFailedException>(() => Check.Same(nan, nan));
    }

    [Fact]
    public void That_fails_with_the_claim()
    {
        Assert.StartsWith("✓", Check.That(true, "fine"));
        Assert.Equal("rows sum to 1", Assert.Throws<CheckFailedException>(() => Check.That(false, "rows sum to 1")).Message);
    }
}
