using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

public class CrossEntropyTests
{
    [Fact]
    public void Uniform_logits_cost_log_of_the_vocabulary_size()
    {
        var loss = CrossEntropy.Loss(Matrix<double>.Build.Dense(3, 8, 0.25), [3, 4, 5]);
        Assert.Equal(Math.Log(8), loss, 1e-15);
    }

    [Fact]
    public void Pad_targets_cost_nothing_and_are_not_counted()
    {
        var logits = Matrix<double>.Build.Dense(4, 5, (i, j) => i * j * 0.3);
        var withPad = CrossEntropy.Loss(logits, [3, 0, 4, 0]);
        var realOnly = CrossEntropy.Loss(logits.SubMatrix(0, 1, 0, 5).Stack(logits.SubMatrix(2, 1, 0, 5)), [3, 4]);
        Assert.Equal(realOnly, withPad, 1e-15);
    }

    [Fact]
    public void Huge_logits_do_not_overflow()
    {
        var logits = Matrix<double>.Build.DenseOfArray(new double[,] { { 1000, 0, -1000 } });
        Assert.Equal(0.0, CrossEntropy.Loss(logits, [0], ignoreIndex: -1), 1e-15);
        Assert.Equal(1000.0, CrossEntropy.Loss(logits, [1], ignoreIndex: -1), 1e-12);
    }

    [Fact]
    public void All_targets_ignored_is_an_error_by_default_and_PyTorchs_NaN_when_asked()
    {
        var fixture = Fixture.Load("policies.json")["crossEntropyAllIgnored"]!;
        var logits = Fixture.Matrix(fixture["logits"]);
        int[] targets = [.. fixture["targets"]!.AsArray().Select(t => (int)t!)];

        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => CrossEntropy.Loss(logits, targets)).ParamName);
        Assert.True(double.IsNaN(Fixture.Number(fixture["loss"])));
        Assert.True(double.IsNaN(CrossEntropy.Loss(logits, targets, whenAllIgnored: AllIgnoredPolicy.NaN)));
        Assert.Equal("whenAllIgnored", Assert.Throws<ArgumentException>(() => CrossEntropy.Loss(logits, targets, whenAllIgnored: (AllIgnoredPolicy)5)).ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_NaN_or_plus_infinity_logit_is_an_error_naming_its_cell(double bad)
    {
        var logits = Matrix<double>.Build.Dense(2, 3, 0.5);
        logits[1, 2] = bad;
        var e = Assert.Throws<ArgumentException>(() => CrossEntropy.Loss(logits, [1, 2]));
        Assert.Equal("logits", e.ParamName);
        Assert.Contains("logits[1, 2]", e.Message);
    }
}
