using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>
/// The lessons' claims about the model, as properties over random models and sentences:
/// causality, padding invariance, teacher forcing = step-by-step decoding, cache = no cache,
/// attention rows summing to 1 with masked weights exactly 0.
/// </summary>
public class ModelPropertyTests
{
    private const double Tolerance = 1e-12;
    private const int Iterations = 60;

    [Fact]
    public void Decoder_output_at_t_ignores_future_tokens()
    {
        (from s in ModelGenerators.ModelAndSentence
         where s.DecoderInput.Length >= 2
         from changeAt in Gen.Int[1, s.DecoderInput.Length - 1]
         from newToken in Gen.Int[3, s.Model.Config.TargetVocabularySize - 1]
         select (s.Model, s.Source, s.DecoderInput, changeAt, newToken))
        .Sample(t =>
        {
            var changed = (int[])t.DecoderInput.Clone();
            changed[t.changeAt] = t.newToken;
            var before = t.Model.Forward(t.Source, t.DecoderInput);
            var after = t.Model.Forward(t.Source, changed);
            Check.Same(before.SubMatrix(0, t.changeAt, 0, before.ColumnCount),
                       after.SubMatrix(0, t.changeAt, 0, after.ColumnCount), Tolerance, "logits before the changed token");
        }, iter: Iterations);
    }

    [Fact]
    public void Changing_pad_embeddings_changes_no_real_token_in_the_encoder()
    {
        (from s in ModelGenerators.ModelAndSentence
         where s.Source.Any(Vocabulary.IsPad)
         from noise in ModelGenerators.Matrix(s.Source.Length, s.Model.Config.ModelWidth, 100)
         select (s.Model, s.Source, noise))
        .Sample(t =>
        {
            var isPad = Vocabulary.PadFlags(t.Source);
            var input = t.Model.EmbedSource(t.Source);
            var poisoned = input.Clone();
            for (int i = 0; i < isPad.Length; i++)
                if (isPad[i]) poisoned.SetRow(i, t.noise.Row(i));
            var clean = t.Model.EncodeEmbedded(input, isPad).Memory;
            var dirty = t.Model.EncodeEmbedded(poisoned, isPad).Memory;
            for (int i = 0; i < isPad.Length; i++)
                if (!isPad[i]) Check.Same(clean.Row(i).ToRowMatrix(), dirty.Row(i).ToRowMatrix(), Tolerance, $"memory row {i}");
        }, iter: Iterations);
    }

    [Fact]
    public void Changing_pad_rows_of_the_memory_changes_no_decoder_output()
    {
        (from s in ModelGenerators.ModelAndSentence
         where s.Source.Any(Vocabulary.IsPad)
         from noise in ModelGenerators.Matrix(s.Source.Length, s.Model.Config.ModelWidth, 100)
         select (s.Model, s.Source, s.DecoderInput, noise))
        .Sample(t =>
        {
            var encoder = t.Model.Encode(t.Source);
            var memory = encoder.Memory.Clone();
            for (int i = 0; i < t.Source.Length; i++)
                if (Vocabulary.IsPad(t.Source[i])) memory.SetRow(i, t.noise.Row(i));
            var clean = t.Model.Decode(encoder, t.DecoderInput).Logits;
            var dirty = t.Model.Decode(encoder with { Memory = memory }, t.DecoderInput).Logits;
            Check.Same(clean, dirty, Tolerance, "logits with poisoned PAD memory");
        }, iter: Iterations);
    }

    [Fact]
    public void Changing_pad_keys_and_values_changes_no_attention_output()
    {
        (from heads in Gen.Int[1, 3]
         from headWidth in Gen.Int[1, 4]
         from queries in Gen.Int[1, 6]
         from keys in Gen.Int[1, 6]
         from seed in Gen.Int
         from q in ModelGenerators.Matrix(queries, heads * headWidth)
         from kv in ModelGenerators.Matrix(keys, heads * headWidth)
         from noise in ModelGenerators.Matrix(keys, heads * headWidth, 1000)
         from keyIsPad in ModelGenerators.KeyIsPad(keys)
         select (mha: new MultiHeadAttention(heads * headWidth, heads, seed), q, kv, noise, keyIsPad))
        .Sample(t =>
        {
            var poisoned = t.kv.Clone();
            for (int i = 0; i < t.keyIsPad.Length; i++)
                if (t.keyIsPad[i]) poisoned.SetRow(i, t.noise.Row(i));
            var clean = t.mha.Forward(t.q, t.kv, t.kv, keyIsPad: t.keyIsPad);
            var dirty = t.mha.Forward(t.q, poisoned, poisoned, keyIsPad: t.keyIsPad);
            Check.Same(clean.Output, dirty.Output, Tolerance, "cross-attention output");
        }, iter: Iterations);
    }

    [Fact]
    public void Teacher_forced_row_t_equals_an_unmasked_pass_over_the_prefix_with_one_decoder_layer()
    {
        // One decoder layer only: with two, the unmasked prefix pass lets position 0's first-layer output
        // read position 1, which the masked pass forbids (see the next two tests).
        (from s in ModelGenerators.ModelAndSentence
         where s.Model.Config.DecoderLayers == 1
         select s)
        .Sample(t =>
        {
            var masked = t.Model.Forward(t.Source, t.DecoderInput);
            var encoder = t.Model.Encode(t.Source);
            for (int row = 0; row < t.DecoderInput.Length; row++)
            {
                var unmasked = t.Model.Decode(encoder, t.DecoderInput[..(row + 1)], causal: false).Logits;
                Check.Same(unmasked.Row(row).ToRowMatrix(), masked.Row(row).ToRowMatrix(), Tolerance, $"row {row}");
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Teacher_forced_row_t_equals_step_by_step_decoding()
    {
        ModelGenerators.ModelAndSentence.Sample(t =>
        {
            var masked = t.Model.Forward(t.Source, t.DecoderInput);
            var cache = new KeyValueCache(t.Model, t.Model.Encode(t.Source));
            for (int row = 0; row < t.DecoderInput.Length; row++)
            {
                var step = t.Model.Step(cache, t.DecoderInput[row]);
                Check.Same(masked.Row(row).ToRowMatrix(), step.Logits.ToRowMatrix(), Tolerance, $"row {row}");
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Unmasked_prefix_pass_differs_from_teacher_forcing_with_two_decoder_layers()
    {
        var model = new Transformer(new TransformerConfig(7, 8, ModelWidth: 4, Heads: 2, FeedForwardWidth: 6, EncoderLayers: 1, DecoderLayers: 2), seed: 1);
        int[] source = [4, 5, 6], decoderInput = [Vocabulary.Start, 5, 6];
        var masked = model.Forward(source, decoderInput);
        var unmasked = model.Decode(model.Encode(source), decoderInput[..2], causal: false).Logits;
        Assert.Throws<CheckFailedException>(() => Check.Same(masked.Row(1).ToRowMatrix(), unmasked.Row(1).ToRowMatrix()));
    }

    [Fact]
    public void Decoding_with_the_cache_equals_recomputing_everything()
    {
        (from s in ModelGenerators.ModelAndSentence
         from maxLength in Gen.Int[1, ModelGenerators.MaxLength]
         select (s.Model, s.Source, maxLength))
        .Sample(t =>
        {
            var cached = GreedyDecoder.Decode(t.Model, t.Source, t.maxLength, useCache: true, stopAtEnd: false);
            var recomputed = GreedyDecoder.Decode(t.Model, t.Source, t.maxLength, useCache: false, stopAtEnd: false);
            Assert.Equal(recomputed.Tokens, cached.Tokens);
            Assert.Equal(t.maxLength, cached.Tokens.Count);
            for (int step = 0; step < cached.Steps.Count; step++)
            {
                Check.Same(recomputed.Steps[step].Logits.ToRowMatrix(), cached.Steps[step].Logits.ToRowMatrix(), Tolerance, $"step {step} logits");
                for (int layer = 0; layer < t.Model.DecoderLayers.Count; layer++)
                    for (int head = 0; head < t.Model.Config.Heads; head++)
                        Check.Same(recomputed.SelfAttention(step, layer, head), cached.SelfAttention(step, layer, head), Tolerance, $"step {step} self-attention");
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Greedy_self_attention_at_a_step_equals_the_causal_pass_over_its_input()
    {
        (from s in ModelGenerators.ModelAndSentence
         from maxLength in Gen.Int[1, ModelGenerators.MaxLength]
         select (s.Model, s.Source, maxLength))
        .Sample(t =>
        {
            var greedy = GreedyDecoder.Decode(t.Model, t.Source, t.maxLength, stopAtEnd: false);
            int last = greedy.Steps.Count - 1;
            // Generated tokens are never padding, even a predicted <pad>: no target padding mask here either.
            var input = greedy.DecoderInput;
            var pass = t.Model.DecodeEmbedded(t.Model.Encode(t.Source), t.Model.EmbedTarget(input), new bool[input.Count]);
            for (int layer = 0; layer < t.Model.DecoderLayers.Count; layer++)
                for (int head = 0; head < t.Model.Config.Heads; head++)
                    Check.Same(pass.Layers[layer].SelfAttention.HeadWeights[head],
                               greedy.SelfAttention(last, layer, head), Tolerance, $"layer {layer} head {head}");
        }, iter: Iterations);
    }

    [Fact]
    public void Attention_weight_rows_sum_to_one_and_masked_weights_are_exactly_zero()
    {
        ModelGenerators.ModelAndSentence.Sample(t =>
        {
            var pair = TeacherForcing.Shift(t.DecoderInput[1..], Math.Min(t.DecoderInput.Length + 2, ModelGenerators.MaxLength));
            var result = t.Model.Run(t.Source, pair.DecoderInput);
            var all = result.Encoder.Layers.Select(l => l.SelfAttention)
                .Concat(result.Decoder.Layers.SelectMany(l => new[] { l.SelfAttention, l.CrossAttention }));
            foreach (var attention in all)
                foreach (var weights in attention.HeadWeights)
                    for (int i = 0; i < weights.RowCount; i++)
                    {
                        Assert.Equal(1.0, weights.Row(i).Sum(), 1e-12);
                        for (int j = 0; j < weights.ColumnCount; j++)
                            if (attention.Mask is not null && Masks.IsHidden(attention.Mask[i, j]))
                                Assert.Equal(0.0, weights[i, j]);
                    }
        }, iter: Iterations);
    }
}
