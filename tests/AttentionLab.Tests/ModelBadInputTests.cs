using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>
/// Every public entry point of the model rejects bad input with an ArgumentException that names the
/// argument and says what was expected and what it got.
/// </summary>
public class ModelBadInputTests
{
    private static readonly TransformerConfig Config = new(SourceVocabularySize: 9, TargetVocabularySize: 10,
        ModelWidth: 6, Heads: 2, FeedForwardWidth: 8, EncoderLayers: 1, DecoderLayers: 2, MaxLength: 6);

    private static readonly Transformer Model = new(Config, seed: 3);

    private static Matrix<double> M(int rows, int cols) => Matrix<double>.Build.Dense(rows, cols, (i, j) => i - j * 0.5);

    /// <summary>Asserts the exception names the argument and states expected vs actual.</summary>
    private static ArgumentException Rejects(string argument, Action call, params string[] mentions)
    {
        var e = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(argument, e.ParamName);
        Assert.Contains("expected", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("actual", e.Message, StringComparison.OrdinalIgnoreCase);
        foreach (var m in mentions) Assert.Contains(m, e.Message);
        return e;
    }

    private static readonly MultiHeadAttention Mha = new(6, 2, seed: 1);

    [Fact]
    public void Attention_query_of_the_wrong_width_is_rejected() =>
        Rejects("query", () => Mha.Forward(M(3, 5), M(3, 6), M(3, 6)), "3 × 5", "n × 6");

    [Fact]
    public void Attention_key_of_the_wrong_width_is_rejected() =>
        Rejects("key", () => Mha.Forward(M(3, 6), M(4, 7), M(4, 6)), "4 × 7");

    [Fact]
    public void Attention_value_with_a_row_count_other_than_the_keys_is_rejected() =>
        Rejects("value", () => Mha.Forward(M(3, 6), M(4, 6), M(5, 6)), "4 × 6", "5 × 6");

    [Fact]
    public void Attention_mask_of_the_wrong_shape_is_rejected() =>
        Rejects("attnMask", () => Mha.Forward(M(3, 6), M(4, 6), M(4, 6), Masks.Causal(3)), "3 × 4", "3 × 3");

    [Fact]
    public void Key_padding_flags_of_the_wrong_length_are_rejected() =>
        Rejects("keyIsPad", () => Mha.Forward(M(3, 6), M(4, 6), M(4, 6), keyIsPad: [false, true]), "4", "2");

    [Fact]
    public void All_pad_keys_are_rejected() =>
        Rejects("keyIsPad", () => Mha.Forward(M(2, 6), M(3, 6), M(3, 6), keyIsPad: [true, true, true]), "3 of 3 PAD");

    [Fact]
    public void Heads_that_do_not_divide_the_width_are_rejected()
    {
        Rejects("heads", () => new MultiHeadAttention(10, 3, seed: 0), "divisor of 10", "actual 3");
        Rejects("config", () => new Transformer(Config with { Heads = 4 }, seed: 0), "divisor of 6", "actual 4");
    }

    [Fact]
    public void Empty_sequences_are_rejected()
    {
        Rejects("sourceIds", () => Model.Forward([], [Vocabulary.Start]), "actual 0");
        Rejects("decoderInputIds", () => Model.Forward([4], []), "actual 0");
    }

    [Fact]
    public void All_pad_source_is_rejected() =>
        Rejects("sourceIds", () => Model.Forward([0, 0, 0], [Vocabulary.Start]), "3 of 3 PAD");

    [Fact]
    public void Decoder_input_starting_with_pad_is_rejected() =>
        Rejects("decoderInputIds", () => Model.Forward([4, 5], [0, 5, 6]), "<pad>");

    [Fact]
    public void Unknown_token_ids_are_rejected()
    {
        Rejects("sourceIds", () => Model.Forward([4, 9], [Vocabulary.Start]), "[0, 9)", "actual 9");
        Rejects("decoderInputIds", () => Model.Forward([4], [Vocabulary.Start, -1]), "actual -1");
        Rejects("token", () => Model.Step(new KeyValueCache(Model, Model.Encode([4])), 10), "[0, 10)", "actual 10");
    }

    [Fact]
    public void Sequences_longer_than_the_maximum_length_are_rejected()
    {
        Rejects("sourceIds", () => Model.Forward([4, 4, 4, 4, 4, 4, 4], [Vocabulary.Start]), "at most 6", "actual 7");
        Rejects("maxLength", () => GreedyDecoder.Decode(Model, [4, 5], maxLength: 7), "1 to 6", "actual 7");
        Rejects("maxLength", () => GreedyDecoder.Decode(Model, [4, 5], maxLength: 0), "actual 0");
    }

    [Fact]
    public void Stepping_past_the_maximum_length_is_rejected()
    {
        var cache = new KeyValueCache(Model, Model.Encode([4, 5]));
        for (int i = 0; i < Config.MaxLength; i++) Model.Step(cache, Vocabulary.Start);
        Rejects("cache", () => Model.Step(cache, Vocabulary.Start), "at most 6", "actual 7");
    }

    [Fact]
    public void State_dict_with_a_missing_tensor_is_rejected()
    {
        var dict = Model.ToStateDict().Where(t => t.Key != "decoder.layers.1.norm2.bias");
        Rejects("stateDict", () => Transformer.FromStateDict(new StateDict(dict), Config), "'decoder.layers.1.norm2.bias'", "(6)", "absent");
    }

    [Fact]
    public void State_dict_with_an_extra_tensor_is_rejected()
    {
        var dict = Model.ToStateDict().Append(KeyValuePair.Create("decoder.layers.2.norm1.weight", StateTensor.From(Vector<double>.Build.Dense(6))));
        Rejects("stateDict", () => Transformer.FromStateDict(new StateDict(dict), Config), "'decoder.layers.2.norm1.weight' (6)");
    }

    [Fact]
    public void State_dict_with_a_mis_shaped_tensor_is_rejected()
    {
        var dict = Model.ToStateDict().Select(t => t.Key == "encoder.layers.0.self_attn.in_proj_weight"
            ? KeyValuePair.Create(t.Key, StateTensor.From(M(18, 5)))
            : t);
        Rejects("stateDict", () => Transformer.FromStateDict(new StateDict(dict), Config),
            "'encoder.layers.0.self_attn.in_proj_weight'", "expected (18, 6)", "actual (18, 5)");
    }

    [Fact]
    public void Layer_state_dict_for_another_width_is_rejected()
    {
        var dict = new StateDict(Model.ToStateDict()
            .Where(t => t.Key.StartsWith("encoder.layers.0.", StringComparison.Ordinal)));
        Rejects("stateDict", () => EncoderLayer.FromStateDict(dict, 6, 2, 9, "encoder.layers.0."), "linear1.weight", "expected (9, 6)", "actual (8, 6)");
        Assert.NotNull(EncoderLayer.FromStateDict(dict, 6, 2, 8, "encoder.layers.0."));
    }

    [Fact]
    public void Tensor_whose_data_does_not_fill_its_shape_is_rejected() =>
        Rejects("element", () => StateDict.Parse("""{"w": {"shape": [2, 3], "data": [1, 2, 3, 4, 5]}}"""), "expected 6 values", "actual 5");

    [Fact]
    public void Layer_norm_of_the_wrong_width_is_rejected() =>
        Rejects("x", () => new LayerNorm(6).Forward(M(2, 4)), "2 × 4");

    [Fact]
    public void Linear_layers_reject_mismatched_bias_and_inputs()
    {
        Rejects("bias", () => new Linear(M(3, 4), Vector<double>.Build.Dense(4)), "expected 3", "actual 4");
        Rejects("x", () => new Linear(4, 3, seed: 0).Forward(M(2, 3)), "n × 4", "2 × 3");
        Rejects("linear2", () => new FeedForward(new Linear(6, 8, seed: 0), new Linear(7, 6, seed: 0)), "6 × 8", "6 × 7");
    }

    [Fact]
    public void Layers_assembled_from_parts_of_different_widths_are_rejected()
    {
        Rejects("norm2", () => new EncoderLayer(Mha, new FeedForward(6, 8, seed: 0), new LayerNorm(6), new LayerNorm(5)), "expected 6", "actual 5");
        Rejects("crossAttention", () => new DecoderLayer(Mha, new MultiHeadAttention(4, 2, seed: 0), new FeedForward(6, 8, seed: 0),
            new LayerNorm(6), new LayerNorm(6), new LayerNorm(6)), "expected 6", "actual 4");
    }

    [Fact]
    public void Decoder_memory_of_the_wrong_width_is_rejected() =>
        Rejects("memory", () => new DecoderLayer(6, 2, 8, seed: 0).Forward(M(3, 6), M(4, 5)), "4 × 5");

    [Fact]
    public void Embedded_input_with_flags_of_another_length_is_rejected() =>
        Rejects("sourceIsPad", () => Model.EncodeEmbedded(M(3, 6), [false, true]), "expected 3", "actual 2");

    [Fact]
    public void Cross_entropy_rejects_mismatched_or_invalid_targets()
    {
        Rejects("targets", () => CrossEntropy.Loss(M(3, 5), [1, 2]), "expected 3", "actual 2");
        Rejects("targets", () => CrossEntropy.Loss(M(2, 5), [1, 5]), "[0, 5)", "actual 5");
        Rejects("targets", () => CrossEntropy.Loss(M(2, 5), [0, 0]), "actual 0 of 2");
    }

    [Fact]
    public void Teacher_forcing_rejects_targets_that_do_not_fit_or_carry_special_tokens()
    {
        Rejects("target", () => TeacherForcing.Shift([5, 6, 7], 3), "at most 2", "actual 3");
        Rejects("target", () => TeacherForcing.Shift([5, Vocabulary.End], 5), "actual 2");
    }

    [Fact]
    public void Cache_and_greedy_result_reject_layers_and_steps_that_do_not_exist()
    {
        var cache = new KeyValueCache(Model, Model.Encode([4]));
        Rejects("layer", () => cache.Keys(2), "0 to 1", "actual 2");
        var greedy = GreedyDecoder.Decode(Model, [4, 5], maxLength: 3, stopAtEnd: false);
        Rejects("step", () => greedy.SelfAttention(3, 0, 0), "0 to 2", "actual 3");
        Rejects("head", () => greedy.SelfAttention(1, 0, 2), "0 to 1", "actual 2");
    }

    [Fact]
    public void Invalid_model_sizes_are_rejected() =>
        Rejects("config", () => new Transformer(Config with { MaxLength = 0 }, seed: 0), "MaxLength", "actual 0");
}
