using AttentionLab.Kernels;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>Inputs that used to give a silently wrong number, a NaN, or an error from deep inside a dependency.</summary>
public class HardeningTests
{
    private static Matrix<double> M(int rows, int cols, double scale = 1) =>
        Matrix<double>.Build.Dense(rows, cols, (i, j) => scale * Math.Sin(1 + i + 2.5 * j));

    private static readonly TransformerConfig Config = new(SourceVocabularySize: 9, TargetVocabularySize: 10,
        ModelWidth: 6, Heads: 2, FeedForwardWidth: 8, EncoderLayers: 1, DecoderLayers: 2, MaxLength: 6);

    [Fact]
    public void Fused_output_that_shares_storage_with_an_input_is_an_error()
    {
        var (q, k, v) = (M(8, 4), M(8, 4), M(8, 4));
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => FusedAttention.Compute(q, k, v, output: v)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => FusedAttention.Compute(q, k, v, output: k)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => FusedAttention.Compute(q, k, v, output: q)).ParamName);
        var own = Matrix<double>.Build.Dense(8, 4);
        Check.Same(Attention.ScaledDotProduct(q, k, v).Output, FusedAttention.Compute(q, k, v, output: own).Output, 1e-12, "own output");
    }

    [Fact]
    public void A_cache_step_that_throws_leaves_the_cache_as_it_was()
    {
        // Token 5's embedding is huge, so its scores overflow to +∞ inside the first layer, after its key joined the cache.
        var model = new Transformer(Config, seed: 3);
        model.TargetEmbedding.Weight.SetRow(5, Vector<double>.Build.Dense(6, 1e200));
        var encoder = model.Encode([4, 5, 6]);
        var cache = new KeyValueCache(model, encoder);
        model.Step(cache, Vocabulary.Start);

        Assert.ThrowsAny<ArgumentException>(() => model.Step(cache, 5));

        Assert.Equal(1, cache.Length);
        Assert.Equal(1, cache.Keys(0).RowCount);
        Assert.Equal(1, cache.Values(1).RowCount);
        var fresh = new KeyValueCache(model, encoder);
        model.Step(fresh, Vocabulary.Start);
        Check.Same(model.Step(fresh, 7).Logits, model.Step(cache, 7).Logits, 0, "the next step's logits");
    }

    [Fact]
    public void A_cache_made_for_another_model_of_the_same_shape_is_refused()
    {
        var model = new Transformer(Config, seed: 3);
        var twin = new Transformer(Config, seed: 4);
        var cache = new KeyValueCache(twin, twin.Encode([4, 5]));
        Assert.Equal("cache", Assert.Throws<ArgumentException>(() => model.Step(cache, Vocabulary.Start)).ParamName);
        var wider = new Transformer(Config with { ModelWidth = 8 }, seed: 3);
        Assert.Equal("cache", Assert.Throws<ArgumentException>(() => model.Step(new KeyValueCache(wider, wider.Encode([4])), 1)).ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void A_non_finite_value_is_an_error_naming_v_in_both_attentions_even_where_the_mask_hides_it(double bad)
    {
        var (q, k, v) = (M(4, 3), M(4, 3), M(4, 2));
        v[3, 1] = bad; // row 3 is a PAD key: hidden, but 0 · NaN would still be NaN
        bool[] pads = [false, false, false, true];
        var readable = Assert.Throws<ArgumentException>(() => Attention.ScaledDotProduct(q, k, v, Masks.Padding(pads, 4)));
        var fused = Assert.Throws<ArgumentException>(() => FusedAttention.Compute(q, k, v, keyIsPad: pads));
        Assert.Equal(("v", "v"), (readable.ParamName, fused.ParamName));
        Assert.Contains("v[3, 1]", readable.Message);
        Assert.Equal(readable.Message, fused.Message);
    }

    [Theory]
    [InlineData(FullyMaskedRowPolicy.Throw)]
    [InlineData(FullyMaskedRowPolicy.Zeros)]
    [InlineData(FullyMaskedRowPolicy.NaN)]
    [InlineData(FullyMaskedRowPolicy.Uniform)]
    public void Minus_infinity_in_q_is_an_error_naming_q_under_every_policy(FullyMaskedRowPolicy policy)
    {
        var q = M(3, 2);
        q[1, 0] = double.NegativeInfinity;
        var e = Assert.Throws<ArgumentException>(() => Attention.ScaledDotProduct(q, M(3, 2), M(3, 2), policy: policy));
        Assert.Equal("q", e.ParamName);
        Assert.Contains("q[1, 0] is -Infinity", e.Message);
    }

    [Fact]
    public void A_NaN_key_is_named_as_the_key_not_as_a_score()
    {
        var k = M(3, 2);
        k[2, 1] = double.NaN;
        var e = Assert.Throws<ArgumentException>(() => Attention.ScaledDotProduct(M(3, 2), k, M(3, 2)));
        Assert.Equal("k", e.ParamName);
        Assert.Contains("k[2, 1] is NaN", e.Message);
        Assert.DoesNotContain("scores", e.Message);
    }

    [Fact]
    public void Combine_refuses_a_mask_holding_plus_infinity_or_NaN()
    {
        var bad = Masks.Causal(3);
        bad[0, 1] = double.PositiveInfinity;
        var e = Assert.Throws<ArgumentException>(() => Masks.Combine(Masks.Causal(3), bad));
        Assert.Equal("masks", e.ParamName);
        Assert.Contains("masks[1][0, 1] is +Infinity", e.Message);
        bad[0, 1] = double.NaN;
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Masks.Combine(bad)).Message);
    }

    [Fact]
    public void An_infinite_or_NaN_learning_rate_is_refused_before_any_weight_changes()
    {
        var model = new Transformer(Config, seed: 1);
        var before = model.Parameters.Select(p => (double[])p.Value.Clone()).ToArray();
        SequencePair[] data = [new([4, 5], [6, 7])];
        foreach (var rate in new[] { double.PositiveInfinity, double.NaN, -1 })
            Assert.Equal("options", Assert.Throws<ArgumentException>(() =>
                Trainer.Train(model, data, new TrainingOptions { LearningRate = rate, Epochs = 1 })).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentException>(() => new Adam(model.Parameters, double.PositiveInfinity)).ParamName);
        var adam = new Adam(model.Parameters);
        Assert.Throws<ArgumentException>(() => adam.LearningRate = double.PositiveInfinity);
        Assert.All(model.Parameters.Zip(before), pair => Assert.Equal(pair.Second, pair.First.Value));
    }

    [Fact]
    public void Adam_refuses_a_non_finite_gradient_and_changes_no_weight()
    {
        var p = new Parameter("w", [2], [1.0, 2.0]);
        var g = new Gradients([p]);
        g[p][1] = double.NaN;
        var adam = new Adam([p]);
        var e = Assert.Throws<ArgumentException>(() => adam.Step(g));
        Assert.Contains("w[1] is NaN", e.Message);
        Assert.Equal([1.0, 2.0], p.Value);
        Assert.Equal(0, adam.Steps);
    }

    public static TheoryData<string> BadTrainingCases() =>
        ["source over the maximum length", "target over the maximum length", "source id out of range", "target id out of range",
         "null pair", "null source", "empty source", "negative threads", "negative report interval", "accuracy target without held-out set",
         "accuracy target above 1", "bad held-out pair"];

    [Theory, MemberData(nameof(BadTrainingCases))]
    public void Training_checks_its_data_and_options_up_front_and_changes_no_weight(string what)
    {
        var model = new Transformer(Config, seed: 1);
        var before = model.Parameters.Select(p => (double[])p.Value.Clone()).ToArray();
        var good = Enumerable.Range(0, 40).Select(i => new SequencePair([4 + i % 5, 5], [6, 7 + i % 3])).ToList();
        var options = new TrainingOptions { Epochs = 1, BatchSize = 8 };
        IReadOnlyList<SequencePair>? heldOut = null;
        string argument = "train";
        // The bad example comes last, so a loop that checked as it went would have trained on the others first.
        switch (what)
        {
            case "source over the maximum length": good.Add(new([4, 4, 4, 4, 4, 4, 4], [5])); break;
            case "target over the maximum length": good.Add(new([4], [5, 5, 5, 5, 5, 5])); break;
            case "source id out of range": good.Add(new([4, 9], [5])); break;
            case "target id out of range": good.Add(new([4], [10])); break;
            case "null pair": good.Add(null!); break;
            case "null source": good.Add(new(null!, [5])); break;
            case "empty source": good.Add(new([], [5])); break;
            case "negative threads": options = options with { Threads = -1 }; argument = "options"; break;
            case "negative report interval": options = options with { ReportEvery = -2 }; argument = "options"; break;
            case "accuracy target without held-out set": options = options with { StopAtAccuracy = 0.9 }; argument = "heldOut"; break;
            case "accuracy target above 1": options = options with { StopAtAccuracy = 1.5 }; heldOut = good; argument = "options"; break;
            case "bad held-out pair": heldOut = [new([4], [99])]; argument = "heldOut"; break;
        }

        var e = Assert.ThrowsAny<ArgumentException>(() => Trainer.Train(model, good, options, heldOut));
        Assert.IsNotType<AggregateException>(e);
        Assert.Equal(argument, e.ParamName);
        Assert.All(model.Parameters.Zip(before), pair => Assert.Equal(pair.Second, pair.First.Value));
    }

    [Fact]
    public void An_undefined_padding_side_is_an_error_naming_it()
    {
        var e = Assert.Throws<ArgumentException>(() => Vocabulary.PadTo([4, 5], 4, (PaddingSide)7));
        Assert.Equal("side", e.ParamName);
        Assert.Contains("7", e.Message);
    }

    [Fact]
    public void Fused_key_block_larger_than_the_keys_is_clamped_and_an_oversized_tile_is_an_error()
    {
        var (q, k, v) = (M(40, 4), M(40, 4), M(40, 3));
        var huge = new FusedAttentionOptions { KeyBlock = int.MaxValue - 3 };
        Check.Same(Attention.ScaledDotProduct(q, k, v).Output, FusedAttention.Compute(q, k, v, options: huge).Output, 1e-12, "clamped");
        var (bq, bk) = (M(5000, 1), M(5000, 1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FusedAttention.Compute(bq, bk, bk,
            options: new FusedAttentionOptions { QueryBlock = 4096, KeyBlock = 4096 * 2 }));
        Assert.Equal("options", e.ParamName);
    }

    [Fact]
    public void A_score_matrix_too_large_for_one_array_points_to_the_fused_kernel()
    {
        var x = Matrix<double>.Build.Dense(50_000, 1, 0.5);
        var e = Assert.Throws<ArgumentException>(() => Attention.ScaledDotProduct(x, x, x));
        Assert.Equal("k", e.ParamName);
        Assert.Contains("FusedAttention", e.Message);
    }

    [Fact]
    public void A_special_token_out_of_order_in_a_vocabulary_file_is_reported_with_its_line()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vocabulary-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, ["<pad>", "<s>", "a", "</s>", "b"]);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => Vocabulary.Load(path));
            Assert.Contains(":4:", e.Message);
            Assert.Contains("out of order", e.Message);
            Assert.DoesNotContain("twice", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>A state_dict read from JSON is exactly what the file says, or an error naming the tensor.</summary>
public class StateDictReadingTests
{
    private static ArgumentException Refuses(string json) => Assert.Throws<ArgumentException>(() => StateDict.Parse(json));

    [Fact]
    public void A_number_beyond_float64_is_an_error_naming_the_tensor_and_index_not_infinity()
    {
        var e = Refuses("""{"w": {"shape": [3], "data": [1, 2, 1e400]}}""");
        Assert.Contains("'w' value [2]", e.Message);
        Assert.Contains("1e400", e.Message);
    }

    [Fact]
    public void A_word_where_a_number_belongs_is_named_with_its_tensor_and_index() =>
        Assert.Contains("'layer.bias' value [1]", Refuses("""{"layer.bias": {"shape": [2], "data": [0.5, "big"]}}""").Message);

    [Fact]
    public void Negative_dimensions_are_an_error() =>
        Assert.Contains("shape[0]", Refuses("""{"w": {"shape": [-2, 3], "data": []}}""").Message);

    [Fact]
    public void A_shape_whose_element_count_overflows_is_an_error_not_a_crash() =>
        Assert.Contains("more elements", Refuses("""{"w": {"shape": [2147483647, 2147483647, 4], "data": []}}""").Message);

    [Fact]
    public void Nested_lists_as_tensor_tolist_writes_them_are_read_row_major()
    {
        var nested = StateDict.Parse("""{"w": {"shape": [2, 3], "data": [[1, 2, 3], [4, 5, 6]]}, "b": [[7, 8], [9, 10]]}""");
        Assert.Equal([1.0, 2, 3, 4, 5, 6], nested["w"].Data);
        Assert.Equal([2, 2], nested["b"].Shape);
        Assert.Equal([7.0, 8, 9, 10], nested["b"].Data);
        Assert.Contains("expected 6 values, actual 5", Refuses("""{"w": {"shape": [2, 3], "data": [[1, 2, 3], [4, 5]]}}""").Message);
    }

    [Fact]
    public void The_strings_for_infinity_and_NaN_still_read()
    {
        var d = StateDict.Parse("""{"m": {"shape": [3], "data": ["-Infinity", "Infinity", "NaN"]}}""");
        Assert.True(double.IsNegativeInfinity(d["m"].Data[0]) && double.IsPositiveInfinity(d["m"].Data[1]) && double.IsNaN(d["m"].Data[2]));
    }
}
