using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>The core of the library reproduces PyTorch (Fixtures/core.json) to 1e-12 in float64.</summary>
public class CoreParityTests
{
    private static readonly System.Text.Json.Nodes.JsonNode Core = Fixture.Load("core.json");

    public static TheoryData<int> CausalSizes() => [.. Core["causal"]!.AsArray().Select((_, i) => i)];
    public static TheoryData<int> PaddingCases() => [.. Core["padding"]!.AsArray().Select((_, i) => i)];
    public static TheoryData<string> AttentionCases() => [.. Core["attention"]!.AsArray().Select(c => (string)c!["name"]!)];
    public static TheoryData<int> PositionalCases() => [.. Core["positional"]!.AsArray().Select((_, i) => i)];

    [Theory, MemberData(nameof(CausalSizes))]
    public void Causal_mask_equals_generate_square_subsequent_mask(int index)
    {
        var c = Core["causal"]![index]!;
        Check.Same(Fixture.Matrix(c["mask"]), Masks.Causal((int)c["n"]!), 0);
    }

    [Theory, MemberData(nameof(PaddingCases))]
    public void Padding_mask_equals_key_padding_mask_filled_with_minus_infinity(int index)
    {
        var c = Core["padding"]![index]!;
        var keyIsPad = c["keyIsPad"]!.AsArray().Select(b => (bool)b!).ToArray();
        Check.Same(Fixture.Matrix(c["mask"]), Masks.Padding(keyIsPad, (int)c["queries"]!), 0);
    }

    [Theory, MemberData(nameof(AttentionCases))]
    public void Scaled_dot_product_attention_matches_pytorch(string name)
    {
        var c = Core["attention"]!.AsArray().Single(x => (string)x!["name"]! == name)!;
        Matrix<double>? mask = c["mask"] is null ? null : Fixture.Matrix(c["mask"]);
        var result = Attention.ScaledDotProduct(Fixture.Matrix(c["q"]), Fixture.Matrix(c["k"]), Fixture.Matrix(c["v"]), mask);
        Check.Same(Fixture.Matrix(c["scores"]), result.Scores, 1e-12, "scores");
        Check.Same(Fixture.Matrix(c["weights"]), result.Weights, 1e-12, "weights");
        Check.Same(Fixture.Matrix(c["output"]), result.Output, 1e-12, "output");
    }

    [Theory, MemberData(nameof(PositionalCases))]
    public void Sinusoidal_positions_match_the_pytorch_tutorial_encoding(int index)
    {
        var c = Core["positional"]![index]!;
        Check.Same(Fixture.Matrix(c["encoding"]), PositionalEncoding.Sinusoidal((int)c["length"]!, (int)c["dModel"]!), 1e-12);
    }
}
