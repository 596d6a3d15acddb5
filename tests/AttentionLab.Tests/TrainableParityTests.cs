namespace AttentionLab.Tests;

/// <summary>The trainable model computes exactly what the library's <see cref="Transformer"/> computes with the same weights.</summary>
public class TrainableParityTests
{
    private static readonly TransformerConfig Config = new(12, 11, ModelWidth: 8, Heads: 2, FeedForwardWidth: 16, MaxLength: 9);

    [Theory]
    [InlineData(new[] { 4, 5, 6 }, new[] { 1, 7, 8, 9 }, true)]
    [InlineData(new[] { 4, 5, 6, 0, 0 }, new[] { 1, 7, 8, 0, 0, 0 }, true)]
    [InlineData(new[] { 4, 5, 6, 0, 0 }, new[] { 1, 7, 8, 0, 0, 0 }, false)]
    [InlineData(new[] { 11, 0 }, new[] { 1 }, true)]
    public void Trainable_forward_equals_the_library_forward(int[] source, int[] decoderInput, bool causal)
    {
        var library = new Transformer(Config, seed: 3);
        var trainable = new TrainableTransformer(library);
        var expected = library.Run(source, decoderInput, causal);
        var pass = trainable.Forward(source, decoderInput, causal);
        Check.Same(expected.Logits, pass.Logits, 1e-12, "logits");
        for (int h = 0; h < Config.Heads; h++)
            Check.Same(expected.Decoder.Layers[1].SelfAttention.HeadWeights[h], pass.DecoderSelfAttention(1, h), 1e-12, $"head {h} weights");
    }

    [Fact]
    public void A_trained_model_goes_back_to_the_library_with_its_new_weights()
    {
        var trainable = new TrainableTransformer(Config, seed: 4);
        var g = trainable.NewGradients();
        var pair = TeacherForcing.Shift([6, 5, 4], 6);
        trainable.AccumulateGradients([4, 5, 6, 0], pair.DecoderInput, pair.Targets, true, 1, g);
        new Adam(trainable.Parameters, learningRate: 0.01).Step(g);
        var library = trainable.ToTransformer();
        Check.Same(library.Forward([4, 5, 6, 0], pair.DecoderInput), trainable.Forward([4, 5, 6, 0], pair.DecoderInput).Logits, 1e-12, "logits after a step");
        Assert.Equal(trainable.ParameterCount, library.ToStateDict().Values.Sum(t => t.Data.Length));
    }

    [Fact]
    public void Greedy_decoding_equals_the_library_decoder_with_its_cache()
    {
        var trainable = new TrainableTransformer(Config, seed: 5);
        var library = trainable.ToTransformer();
        foreach (var source in new[] { new[] { 4, 5, 6 }, [7, 8, 0, 0], [11] })
            Assert.Equal(GreedyDecoder.Decode(library, source, 6).Tokens, trainable.GreedyDecode(source, 6));
    }
}
