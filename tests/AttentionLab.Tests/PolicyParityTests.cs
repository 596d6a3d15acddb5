using AttentionLab.Kernels;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>
/// The fully-masked-row policies against the frameworks they are named after (Fixtures/policies.json, made by
/// make_policy_fixtures.py with PyTorch 1.13): NaN = a plain softmax, Zeros = PyTorch ≥ 2.5's _safe_softmax,
/// Uniform = Hugging Face's fill with the dtype's minimum. The readable and the fused attention both match.
/// </summary>
public class PolicyParityTests
{
    private static readonly JsonNode Torch = Fixture.Load("policies.json");

    public static TheoryData<int, FullyMaskedRowPolicy> Cases()
    {
        var data = new TheoryData<int, FullyMaskedRowPolicy>();
        for (int i = 0; i < Torch["cases"]!.AsArray().Count; i++)
            foreach (var policy in new[] { FullyMaskedRowPolicy.NaN, FullyMaskedRowPolicy.Zeros, FullyMaskedRowPolicy.Uniform })
                data.Add(i, policy);
        return data;
    }

    /// <summary>Equal within 1e-12, NaN exactly where the reference has NaN.</summary>
    private static void Same(Matrix<double> expected, Matrix<double> actual, string what)
    {
        Assert.Equal((expected.RowCount, expected.ColumnCount), (actual.RowCount, actual.ColumnCount));
        for (int i = 0; i < expected.RowCount; i++)
            for (int j = 0; j < expected.ColumnCount; j++)
            {
                if (double.IsNaN(expected[i, j]))
                    Assert.True(double.IsNaN(actual[i, j]), $"{what}[{i}, {j}]: expected NaN, actual {actual[i, j]}");
                else
                    Assert.True(Math.Abs(expected[i, j] - actual[i, j]) <= 1e-12, $"{what}[{i}, {j}]: expected {expected[i, j]}, actual {actual[i, j]}");
            }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Each_policy_gives_what_its_framework_gives(int index, FullyMaskedRowPolicy policy)
    {
        var c = Torch["cases"]![index]!;
        var (q, k, v, mask) = (Fixture.Matrix(c["q"]), Fixture.Matrix(c["k"]), Fixture.Matrix(c["v"]), Fixture.Matrix(c["mask"]));
        var expected = c[policy.ToString()]!;

        var readable = Attention.ScaledDotProduct(q, k, v, mask, policy);
        Same(Fixture.Matrix(expected["output"]), readable.Output, "readable output");
        Same(Fixture.Matrix(expected["weights"]), readable.Weights, "readable weights");

        var fused = FusedAttention.Compute(q, k, v, mask: mask, policy: policy, returnWeights: true);
        Same(Fixture.Matrix(expected["output"]), fused.Output, "fused output");
        Same(Fixture.Matrix(expected["weights"]), fused.Weights!, "fused weights");
    }

    [Fact]
    public void The_fused_kernel_follows_the_policy_when_padding_and_the_causal_mask_hide_a_row()
    {
        // Left padding: keys 0 and 1 are PAD, so under the causal mask queries 0 and 1 see nothing.
        var x = Matrix<double>.Build.Dense(5, 3, (i, j) => Math.Sin(1 + i + 3 * j));
        bool[] pads = [true, true, false, false, false];
        var mask = Masks.Combine(Masks.Causal(5), Masks.Padding(pads, 5));
        foreach (var policy in new[] { FullyMaskedRowPolicy.NaN, FullyMaskedRowPolicy.Zeros, FullyMaskedRowPolicy.Uniform })
        {
            var readable = Attention.ScaledDotProduct(x, x, x, mask, policy);
            var fused = FusedAttention.Compute(x, x, x, causal: true, keyIsPad: pads, policy: policy, returnWeights: true);
            Same(readable.Output, fused.Output, $"{policy} output");
            Same(readable.Weights, fused.Weights!, $"{policy} weights");
        }

        Assert.True(double.IsNaN(Attention.ScaledDotProduct(x, x, x, mask, FullyMaskedRowPolicy.NaN).Output[0, 0]));
        Check.Same(x.ColumnSums() / 5, FusedAttention.Compute(x, x, x, causal: true, keyIsPad: pads, policy: FullyMaskedRowPolicy.Uniform).Output.Row(1), 1e-12, "mean of all values");
    }

    [Fact]
    public void An_undefined_policy_is_an_error_naming_it()
    {
        var x = Matrix<double>.Build.Dense(2, 2, 1.0);
        Assert.Equal("policy", Assert.Throws<ArgumentException>(() => Softmax.Rows(x, (FullyMaskedRowPolicy)99)).ParamName);
        Assert.Equal("policy", Assert.Throws<ArgumentException>(() => FusedAttention.Compute(x, x, x, policy: (FullyMaskedRowPolicy)99)).ParamName);
    }

    [Fact]
    public void A_fully_masked_row_is_one_error_everywhere_under_the_throwing_policy()
    {
        var x = Matrix<double>.Build.Dense(3, 2, (i, j) => i + j);
        var hidden = Matrix<double>.Build.Dense(3, 3, double.NegativeInfinity);
        var readable = Assert.Throws<InvalidOperationException>(() => Attention.ScaledDotProduct(x, x, x, hidden));
        var fused = Assert.Throws<InvalidOperationException>(() => FusedAttention.Compute(x, x, x, mask: hidden));
        Assert.Equal(readable.Message, fused.Message);

        // Training runs the same attention (InPlaceTrainingTests checks its layers' error too).
        var hiddenMask = Mask.FromPredicate(3, 3, (_, _) => false);
        var trained = Assert.Throws<InvalidOperationException>(() => new MultiHeadAttention(2, 1, seed: 1).ForwardForTraining(x, x, x, hiddenMask));
        Assert.Equal(readable.Message, trained.Message);
    }
}
