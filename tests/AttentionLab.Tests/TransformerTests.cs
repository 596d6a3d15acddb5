namespace AttentionLab.Tests;

public class TransformerTests
{
    private static readonly TransformerConfig Config = new(10, 11, ModelWidth: 8, Heads: 2, FeedForwardWidth: 8, MaxLength: 8);

    [Fact]
    public void The_same_seed_draws_the_same_model()
    {
        var a = new Transformer(Config, seed: 5).Forward([4, 5, 6], [1, 7, 8]);
        var b = new Transformer(Config, seed: 5).Forward([4, 5, 6], [1, 7, 8]);
        var c = new Transformer(Config, seed: 6).Forward([4, 5, 6], [1, 7, 8]);
        Check.Same(a, b, 0);
        Assert.Throws<CheckFailedException>(() => Check.Same(a, c));
    }

    [Fact]
    public void Forward_gives_one_row_of_target_vocabulary_logits_per_decoder_position()
    {
        var logits = new Transformer(Config, seed: 5).Forward([4, 5, 6, 0, 0], [1, 7, 8, 9]);
        Assert.Equal(4, logits.RowCount);
        Assert.Equal(11, logits.ColumnCount);
    }

    [Fact]
    public void State_dict_uses_pytorch_names()
    {
        var names = new Transformer(Config, seed: 5).ToStateDict().Keys.ToHashSet();
        Assert.Contains("encoder.layers.1.self_attn.in_proj_weight", names);
        Assert.Contains("encoder.norm.weight", names);
        Assert.Contains("decoder.layers.0.multihead_attn.out_proj.bias", names);
        Assert.Contains("decoder.layers.1.norm3.bias", names);
        Assert.Contains("source_embedding.weight", names);
        Assert.Contains("output_projection.weight", names);
        Assert.Equal(2 + 2 * 12 + 2 + 2 * 18 + 2 + 2, names.Count); // as the PyTorch fixture: 68
    }

    [Fact]
    public void Without_the_causal_mask_an_earlier_position_reads_a_later_token()
    {
        var model = new Transformer(Config, seed: 5);
        var encoder = model.Encode([4, 5, 6]);
        var before = model.Decode(encoder, [1, 7, 8], causal: false).Logits;
        var after = model.Decode(encoder, [1, 7, 9], causal: false).Logits;
        Assert.Throws<CheckFailedException>(() => Check.Same(before.Row(0).ToRowMatrix(), after.Row(0).ToRowMatrix()));
    }

    [Fact]
    public void Decoder_self_mask_is_causal_plus_target_padding()
    {
        var result = new Transformer(Config, seed: 5).Run([4, 5], [1, 7, 0, 0]);
        var expected = Masks.Combine(Masks.Causal(4), Masks.Padding([false, false, true, true], 4));
        Check.Same(expected, result.Decoder.SelfMask!, 0);
        Check.Same(Masks.Padding([false, false], 4), result.Decoder.Layers[0].CrossAttention.Mask ?? Masks.None(4, 2), 0);
    }
}
