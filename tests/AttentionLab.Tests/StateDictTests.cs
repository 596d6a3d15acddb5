namespace AttentionLab.Tests;

public class StateDictTests
{
    [Fact]
    public void Tensors_round_trip_through_json_including_infinities()
    {
        var dict = new StateDict([KeyValuePair.Create("mask", new StateTensor([2, 2], [0, double.NegativeInfinity, 0.1, 1e-300]))]);
        var back = StateDict.Parse(dict.ToJson());
        Assert.Equal([2, 2], back["mask"].Shape);
        Assert.Equal([0, double.NegativeInfinity, 0.1, 1e-300], back["mask"].Data);
    }

    [Fact]
    public void A_layer_loads_from_its_prefix_in_a_whole_model_state_dict()
    {
        var model = new Transformer(new TransformerConfig(9, 9, ModelWidth: 4, Heads: 2, FeedForwardWidth: 5), seed: 1);
        var dict = model.ToStateDict();
        var layer = DecoderLayer.FromStateDict(new StateDict(dict.Where(t => t.Key.StartsWith("decoder.layers.1."))), 4, 2, 5, "decoder.layers.1.");
        Check.Same(model.DecoderLayers[1].CrossAttention.InProjectionWeight, layer.CrossAttention.InProjectionWeight, 0);
    }
}
