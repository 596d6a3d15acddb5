using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>
/// The decoder-only model of lesson 12: PyTorch's numbers for a left-padded batch (Fixtures/decoder_only.json),
/// position ids from the padding, and generation with a cache equal to recomputing each sentence alone.
/// </summary>
public class DecoderOnlyTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<string> Cases() => LayerFixture.Names("decoder_only.json");

    private static DecoderOnlyConfig ConfigOf(JsonElement c)
    {
        var k = c.GetProperty("config");
        return new DecoderOnlyConfig(k.Int("vocabularySize"), k.Int("modelWidth"), k.Int("heads"), k.Int("feedForwardWidth"),
            k.Int("layers"), k.Int("maxLength"), k.GetProperty("normFirst").GetBoolean());
    }

    [Theory, MemberData(nameof(Cases))]
    public void A_left_padded_batch_matches_PyTorch_with_Hugging_Faces_mask_and_position_ids(string name)
    {
        var c = LayerFixture.Case("decoder_only.json", name);
        var model = DecoderOnlyModel.FromStateDict(c.StateDict(), ConfigOf(c));
        foreach (var run in c.GetProperty("runs").EnumerateArray())
        {
            var ids = run.Ints("ids");
            Assert.Equal(run.Ints("positionIds"), DecoderOnlyModel.PositionIds(ids));
            var result = model.Forward(ids, DecoderOnlyModel.PositionIds(ids), policy: FullyMaskedRowPolicy.Uniform);
            Check.Same(run.Matrix("logits"), result.Logits, Tolerance, $"logits of {string.Join(" ", ids)}");
        }
    }

    private static readonly DecoderOnlyModel Model = new(new DecoderOnlyConfig(12, ModelWidth: 8, Heads: 2, FeedForwardWidth: 16, Layers: 2, MaxLength: 10), seed: 5);

    [Fact]
    public void Left_padding_changes_nothing_with_position_ids_and_everything_without_them()
    {
        int[] sentence = [4, 5, 6], padded = [0, 0, 4, 5, 6];
        var alone = Model.Forward(sentence).Logits;
        var withIds = Model.Forward(padded, DecoderOnlyModel.PositionIds(padded), policy: FullyMaskedRowPolicy.Zeros).Logits;
        var without = Model.Forward(padded, policy: FullyMaskedRowPolicy.Zeros).Logits;

        Check.Same(alone, withIds.SubMatrix(2, 3, 0, 12), Tolerance, "the real rows, with position ids");
        Assert.True((alone - without.SubMatrix(2, 3, 0, 12)).Enumerate().Max(Math.Abs) > 1e-3,
            "without position ids the sentence is encoded at positions 2, 3, 4 and its logits move");
        Assert.Throws<InvalidOperationException>(() => Model.Forward(padded, DecoderOnlyModel.PositionIds(padded)));
    }

    [Fact]
    public void Generating_with_a_cache_equals_recomputing_each_sentence_alone()
    {
        // A left-padded batch of two prompts, then three generated tokens each, greedily.
        int[][] batch = [[0, 0, 4, 5, 6], [7, 8, 9, 10, 11]];
        foreach (var prompt in batch)
        {
            var cache = new DecoderOnlyCache(Model);
            var positions = DecoderOnlyModel.PositionIds(prompt);
            Vector<double> logits = null!;
            for (int i = 0; i < prompt.Length; i++)
                logits = Model.Step(cache, prompt[i], positions[i], FullyMaskedRowPolicy.Zeros);
            var real = prompt.Where(id => id != Vocabulary.Pad).ToList();
            for (int step = 0; step < 3; step++)
            {
                // Each step's mask is one row over past + 1 keys, the left PAD keys still hidden.
                Assert.Equal(prompt.Length + step, cache.Length);
                Assert.Equal(prompt.Select(Vocabulary.IsPad).Concat(Enumerable.Repeat(false, step)), cache.KeyIsPad);
                var recomputed = Model.Forward(real).Logits;
                Check.Same(recomputed.Row(recomputed.RowCount - 1), logits, 1e-11, $"step {step}");
                int next = logits.MaximumIndex();
                if (next == Vocabulary.Pad) next = 3; // a generated token is never PAD
                real.Add(next);
                logits = Model.Step(cache, next, real.Count - 1);
            }
        }
    }

    [Fact]
    public void A_cache_serves_only_its_own_model_and_a_failed_step_leaves_it_as_it_was()
    {
        var other = new DecoderOnlyModel(Model.Config, seed: 6);
        Assert.Equal("cache", Assert.Throws<ArgumentException>(() => Model.Step(new DecoderOnlyCache(other), 4, 0)).ParamName);

        // A prompt that starts with PAD: its first query sees nothing, an error under Throw, and nothing is cached.
        var cache = new DecoderOnlyCache(Model);
        Assert.Throws<InvalidOperationException>(() => Model.Step(cache, Vocabulary.Pad, 1));
        Assert.Equal(0, cache.Length);
        Assert.Equal(0, cache.Keys(1).RowCount);
        Model.Step(cache, Vocabulary.Pad, 1, FullyMaskedRowPolicy.Zeros);
        Model.Step(cache, 4, 0);
        Assert.Equal([true, false], cache.KeyIsPad);
        Assert.Equal("positionId", Assert.Throws<ArgumentException>(() => Model.Step(cache, 5, 10)).ParamName);
        Assert.Equal("positionIds", Assert.Throws<ArgumentException>(() => Model.Forward([4, 5], [0])).ParamName);
        Assert.Equal("ids", Assert.Throws<ArgumentException>(() => Model.Forward([4, 12])).ParamName);
    }
}
