namespace AttentionLab.Tests;

public class GreedyDecoderTests
{
    private static Transformer Model() =>
        new(new TransformerConfig(10, 10, ModelWidth: 8, Heads: 2, FeedForwardWidth: 8, MaxLength: 7), seed: 11);

    [Fact]
    public void Decoding_stops_at_the_end_token()
    {
        var model = Model();
        model.OutputProjection.Bias[Vocabulary.End] = 1e3; // make </s> the arg-max everywhere
        var result = GreedyDecoder.Decode(model, [4, 5, 6], maxLength: 7);
        Assert.Equal([Vocabulary.End], result.Tokens);
        Assert.Single(result.Steps);
    }

    [Fact]
    public void Decoding_without_stopping_runs_to_the_maximum_length()
    {
        var model = Model();
        model.OutputProjection.Bias[Vocabulary.End] = 1e3;
        var result = GreedyDecoder.Decode(model, [4, 5, 6], maxLength: 5, stopAtEnd: false);
        Assert.Equal(5, result.Tokens.Count);
        Assert.Equal(5, result.Steps.Count);
    }

    [Fact]
    public void Each_step_picks_the_arg_max_of_its_logits()
    {
        var result = GreedyDecoder.Decode(Model(), [4, 5, 6], maxLength: 6, stopAtEnd: false);
        foreach (var step in result.Steps)
            Assert.Equal(step.Logits.MaximumIndex(), step.Token);
        Assert.Equal([Vocabulary.Start, .. result.Tokens.Take(5)], result.DecoderInput);
    }

    [Fact]
    public void The_self_attention_grows_by_one_row_and_column_per_step_with_nothing_above_the_diagonal()
    {
        var result = GreedyDecoder.Decode(Model(), [4, 5, 6], maxLength: 5, stopAtEnd: false);
        for (int step = 0; step < 5; step++)
        {
            var weights = result.SelfAttention(step, layer: 1, head: 1);
            Assert.Equal(step + 1, weights.RowCount);
            Assert.Equal(step + 1, weights.ColumnCount);
            for (int i = 0; i <= step; i++)
            {
                Assert.Equal(1.0, weights.Row(i).Sum(), 1e-12);
                for (int j = i + 1; j <= step; j++) Assert.Equal(0.0, weights[i, j]);
            }
        }
    }

    [Fact]
    public void The_cache_grows_by_one_position_per_step()
    {
        var model = Model();
        var cache = new KeyValueCache(model, model.Encode([4, 5]));
        Assert.Equal(0, cache.Length);
        model.Step(cache, Vocabulary.Start);
        model.Step(cache, 7);
        Assert.Equal(2, cache.Length);
        Assert.Equal(2, cache.Keys(0).RowCount);
        Assert.Equal(8, cache.Values(1).ColumnCount);
    }
}
