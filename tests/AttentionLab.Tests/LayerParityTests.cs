using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>
/// The layers and the whole model reproduce PyTorch 1.13 in float64 to 1e-12, loaded from PyTorch's own
/// state_dicts (Fixtures/*.json, written by make_layer_fixtures.py).
/// </summary>
public class LayerParityTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<string> MhaCases() => LayerFixture.Names("mha.json");
    public static TheoryData<string> EncoderCases() => LayerFixture.Names("encoder_layer.json");
    public static TheoryData<string> DecoderCases() => LayerFixture.Names("decoder_layer.json");
    public static TheoryData<string> TransformerCases() => LayerFixture.Names("transformer.json");

    [Theory, MemberData(nameof(MhaCases))]
    public void MultiHeadAttention_matches_nn_MultiheadAttention(string name)
    {
        var c = LayerFixture.Case("mha.json", name);
        var config = c.GetProperty("config");
        var mha = MultiHeadAttention.FromStateDict(c.StateDict(), config.Int("modelWidth"), config.Int("heads"));
        var inputs = c.GetProperty("inputs");
        var result = mha.Forward(
            inputs.Matrix("query"), inputs.Matrix("key"), inputs.Matrix("value"),
            inputs.OptionalMatrix("attnMask"), inputs.Flags("keyIsPad"));

        var expected = c.GetProperty("expected");
        Check.Same(expected.Matrix("output"), result.Output, Tolerance, "output");
        Check.Same(expected.Matrix("averageWeights"), result.AverageWeights, Tolerance, "average weights");
        var heads = expected.Tensor("headWeights").ToMatrices();
        Assert.Equal(heads.Length, result.HeadWeights.Count);
        for (int h = 0; h < heads.Length; h++)
            Check.Same(heads[h], result.HeadWeights[h], Tolerance, $"head {h} weights");
    }

    [Theory, MemberData(nameof(EncoderCases))]
    public void EncoderLayer_matches_nn_TransformerEncoderLayer(string name)
    {
        var c = LayerFixture.Case("encoder_layer.json", name);
        var config = c.GetProperty("config");
        var layer = EncoderLayer.FromStateDict(
            c.StateDict(), config.Int("modelWidth"), config.Int("heads"), config.Int("feedForwardWidth"));
        var inputs = c.GetProperty("inputs");
        var result = layer.Forward(inputs.Matrix("x"), inputs.OptionalMatrix("mask"), inputs.Flags("keyIsPad"));
        Check.Same(c.GetProperty("expected").Matrix("output"), result.Output, Tolerance, "encoder layer output");
    }

    [Theory, MemberData(nameof(DecoderCases))]
    public void DecoderLayer_matches_nn_TransformerDecoderLayer(string name)
    {
        var c = LayerFixture.Case("decoder_layer.json", name);
        var config = c.GetProperty("config");
        var layer = DecoderLayer.FromStateDict(
            c.StateDict(), config.Int("modelWidth"), config.Int("heads"), config.Int("feedForwardWidth"));
        var inputs = c.GetProperty("inputs");
        var result = layer.Forward(
            inputs.Matrix("x"), inputs.Matrix("memory"), inputs.OptionalMatrix("selfMask"),
            inputs.Flags("targetIsPad"), inputs.Flags("memoryIsPad"));
        Check.Same(c.GetProperty("expected").Matrix("output"), result.Output, Tolerance, "decoder layer output");
    }

    [Theory, MemberData(nameof(TransformerCases))]
    public void Teacher_forced_pass_matches_pytorch_memory_logits_and_loss(string name)
    {
        var c = LayerFixture.Case("transformer.json", name);
        var model = Transformer.FromStateDict(c.StateDict(), c.TransformerConfig());
        foreach (var run in c.GetProperty("runs").EnumerateArray())
        {
            var pair = TeacherForcing.Shift(run.Ints("target"), run.Int("length"));
            Assert.Equal(run.Ints("decoderInput"), pair.DecoderInput);
            Assert.Equal(run.Ints("targets"), pair.Targets);

            var result = model.Run(run.Ints("source"), pair.DecoderInput);
            Check.Same(run.Matrix("memory"), result.Encoder.Memory, Tolerance, "encoder memory");
            Check.Same(run.Matrix("logits"), result.Logits, Tolerance, "logits");
            Assert.Equal(run.GetProperty("loss").GetDouble(), CrossEntropy.Loss(result.Logits, pair.Targets), Tolerance);
            var perPosition = run.GetProperty("perPositionLoss").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var actual = CrossEntropy.PerPosition(result.Logits, pair.Targets);
            for (int i = 0; i < perPosition.Length; i++)
                Assert.Equal(perPosition[i], actual[i], Tolerance);
        }
    }

    [Theory, MemberData(nameof(TransformerCases))]
    public void Greedy_decoding_matches_pytorch_with_and_without_cache(string name)
    {
        var c = LayerFixture.Case("transformer.json", name);
        var model = Transformer.FromStateDict(c.StateDict(), c.TransformerConfig());
        foreach (var run in c.GetProperty("runs").EnumerateArray())
        {
            var expectedLogits = run.Matrix("greedyLogits");
            foreach (bool useCache in new[] { true, false })
            {
                var result = GreedyDecoder.Decode(model, run.Ints("source"), run.Int("greedyMaxLength"), useCache);
                Assert.Equal(run.Ints("greedyTokens"), result.Tokens);
                var logits = Matrix<double>.Build.DenseOfRowVectors(result.Steps.Select(s => s.Logits));
                Check.Same(expectedLogits, logits, Tolerance, $"greedy logits (cache: {useCache})");
            }
        }
    }

    [Fact]
    public void CrossEntropy_matches_F_cross_entropy_with_ignore_index()
    {
        foreach (var c in LayerFixture.Cases("cross_entropy.json").EnumerateArray())
        {
            var logits = c.Matrix("logits");
            var targets = c.Ints("targets");
            Assert.Equal(c.GetProperty("loss").GetDouble(), CrossEntropy.Loss(logits, targets), Tolerance);
            var expected = c.GetProperty("perPosition").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var actual = CrossEntropy.PerPosition(logits, targets);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.Equal(expected[i], actual[i], Tolerance);
        }
    }

    [Theory, MemberData(nameof(TransformerCases))]
    public void Transformer_state_dict_round_trips_through_json(string name)
    {
        var c = LayerFixture.Case("transformer.json", name);
        var original = c.StateDict();
        var model = Transformer.FromStateDict(original, c.TransformerConfig());
        var written = StateDict.Parse(model.ToStateDict().ToJson());
        Assert.Equal(original.Keys.Order(), written.Keys.Order());
        foreach (var (key, tensor) in original)
        {
            Assert.Equal(tensor.Shape, written[key].Shape);
            Assert.Equal(tensor.Data, written[key].Data);
        }
    }

    public static TheoryData<string> PreNormCases(string kind) =>
        [.. LayerFixture.Cases("pre_norm.json").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)
            .Where(n => n.StartsWith(kind, StringComparison.Ordinal))];

    [Theory, MemberData(nameof(PreNormCases), "encoder")]
    public void Pre_norm_EncoderLayer_matches_norm_first_True(string name)
    {
        var c = LayerFixture.Case("pre_norm.json", name);
        var config = c.GetProperty("config");
        Assert.True(config.GetProperty("normFirst").GetBoolean());
        var layer = EncoderLayer.FromStateDict(
            c.StateDict(), config.Int("modelWidth"), config.Int("heads"), config.Int("feedForwardWidth"), normFirst: true);
        var inputs = c.GetProperty("inputs");
        var result = layer.Forward(inputs.Matrix("x"), inputs.OptionalMatrix("mask"), inputs.Flags("keyIsPad"));
        Check.Same(c.GetProperty("expected").Matrix("output"), result.Output, Tolerance, "pre-norm encoder layer output");

        var postNorm = EncoderLayer.FromStateDict(c.StateDict(), config.Int("modelWidth"), config.Int("heads"), config.Int("feedForwardWidth"));
        Assert.True((postNorm.Forward(inputs.Matrix("x"), inputs.OptionalMatrix("mask"), inputs.Flags("keyIsPad")).Output - result.Output)
            .Enumerate().Max(Math.Abs) > 1e-3, "the same weights post-norm give another output");
    }

    [Theory, MemberData(nameof(PreNormCases), "decoder")]
    public void Pre_norm_DecoderLayer_matches_norm_first_True(string name)
    {
        var c = LayerFixture.Case("pre_norm.json", name);
        var config = c.GetProperty("config");
        var layer = DecoderLayer.FromStateDict(
            c.StateDict(), config.Int("modelWidth"), config.Int("heads"), config.Int("feedForwardWidth"), normFirst: true);
        var inputs = c.GetProperty("inputs");
        var result = layer.Forward(
            inputs.Matrix("x"), inputs.Matrix("memory"), inputs.OptionalMatrix("selfMask"),
            inputs.Flags("targetIsPad"), inputs.Flags("memoryIsPad"));
        Check.Same(c.GetProperty("expected").Matrix("output"), result.Output, Tolerance, "pre-norm decoder layer output");
    }

    [Theory, MemberData(nameof(PreNormCases), "model")]
    public void Pre_norm_model_matches_PyTorch_in_teacher_forcing_and_greedy_decoding_with_and_without_cache(string name)
    {
        var c = LayerFixture.Case("pre_norm.json", name);
        var config = c.TransformerConfig();
        Assert.True(config.NormFirst);
        var model = Transformer.FromStateDict(c.StateDict(), config);
        foreach (var run in c.GetProperty("runs").EnumerateArray())
        {
            var pair = TeacherForcing.Shift(run.Ints("target"), run.Int("length"));
            var result = model.Run(run.Ints("source"), pair.DecoderInput);
            Check.Same(run.Matrix("memory"), result.Encoder.Memory, Tolerance, "encoder memory");
            Check.Same(run.Matrix("logits"), result.Logits, Tolerance, "logits");
            foreach (bool useCache in new[] { true, false })
            {
                var greedy = GreedyDecoder.Decode(model, run.Ints("source"), run.Int("greedyMaxLength"), useCache);
                Assert.Equal(run.Ints("greedyTokens"), greedy.Tokens);
                Check.Same(run.Matrix("greedyLogits"), Matrix<double>.Build.DenseOfRowVectors(greedy.Steps.Select(s => s.Logits)),
                    Tolerance, $"greedy logits (cache: {useCache})");
            }
        }

    }
}
