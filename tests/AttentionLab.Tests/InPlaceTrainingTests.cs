namespace AttentionLab.Tests;

/// <summary>
/// One model (lesson 08): the training forward computes what <see cref="Transformer.Run"/> computes, its
/// masks are the library's <see cref="Mask"/>s under the same fully-masked-row rule, and Adam changes the
/// very matrices the lessons plot.
/// The forward passes compared with the training forward run their readable paths (FastPath.ReadableOnly), so
/// the two agree exactly; FastPathTests checks the layers' fast paths against the same readable paths.
/// </summary>
public sealed class InPlaceTrainingTests : IDisposable
{
    private readonly IDisposable readable = AttentionLab.Kernels.FastPath.ReadableOnly();

    public void Dispose() => readable.Dispose();

    private static readonly TransformerConfig Config = new(12, 11, ModelWidth: 8, Heads: 2, FeedForwardWidth: 16, MaxLength: 9);

    [Theory]
    [InlineData(new[] { 4, 5, 6 }, new[] { 1, 7, 8, 9 }, true, false)]
    [InlineData(new[] { 4, 5, 6, 0, 0 }, new[] { 1, 7, 8, 0, 0, 0 }, true, false)]
    [InlineData(new[] { 4, 5, 6, 0, 0 }, new[] { 1, 7, 8, 0, 0, 0 }, false, false)]
    [InlineData(new[] { 11, 0 }, new[] { 1 }, true, false)]
    [InlineData(new[] { 4, 5, 6, 0 }, new[] { 1, 7, 8, 0 }, true, true)]
    public void The_training_forward_is_the_forward(int[] source, int[] decoderInput, bool causal, bool normFirst)
    {
        var model = new Transformer(Config with { NormFirst = normFirst }, seed: 3);
        var expected = model.Run(source, decoderInput, causal);
        var tape = model.ForwardForTraining(source, decoderInput, causal);
        Check.Same(expected.Logits, tape.Logits, 0, "logits");
        Check.Same(expected.Encoder.Memory, tape.Memory, 0, "memory");
        for (int h = 0; h < Config.Heads; h++)
            Check.Same(expected.Decoder.Layers[1].SelfAttention.HeadWeights[h], tape.DecoderSelfAttention(1, h), 0, $"head {h} weights");
        Check.Same(expected.Decoder.SelfMask!, tape.SelfMask!.ToAdditive(), 0, "the decoder's self-attention mask");
    }

    [Fact]
    public void Adam_trains_the_very_matrices_the_lessons_plot()
    {
        var model = new Transformer(Config, seed: 4);
        var wq = model.DecoderLayers[0].SelfAttention.QueryProjection.Weight;
        Assert.Contains(model.Parameters, p => ReferenceEquals(p.Matrix, wq));
        var before = wq.Clone();
        var pair = TeacherForcing.Shift([6, 5, 4], 6);
        var logitsBefore = model.Forward([4, 5, 6, 0], pair.DecoderInput);
        var g = model.NewGradients();
        model.AccumulateGradients([4, 5, 6, 0], pair.DecoderInput, pair.Targets, true, 1, g);
        Assert.Contains(g.Of(wq).Enumerate(), v => v != 0);
        new Adam(model.Parameters, learningRate: 0.01).Step(g);
        Assert.True((wq - before).Enumerate().All(v => Math.Abs(v) > 0 && Math.Abs(v) <= 0.0100001), "every weight moved by about the learning rate");
        Assert.NotEqual(logitsBefore, model.Forward([4, 5, 6, 0], pair.DecoderInput));
        Check.Same(model.ForwardForTraining([4, 5, 6, 0], pair.DecoderInput).Logits, model.Forward([4, 5, 6, 0], pair.DecoderInput), 0, "logits after a step");
    }

    [Fact]
    public void The_parameters_are_every_number_of_the_state_dict_once()
    {
        var model = new Transformer(Config with { NormFirst = true }, seed: 5);
        Assert.Equal(model.ToStateDict().Values.Sum(t => t.Data.Length), model.ParameterCount);
        Assert.Equal(model.Parameters.Count, model.Parameters.Select(p => p.Name).Distinct().Count());
        Assert.Same(model.Parameters, model.Parameters);
        Assert.Contains(model.Parameters, p => p.Name == "decoder.layers.1.multihead_attn.in_proj_weight[k]");
        Assert.Contains(model.Parameters, p => p.Name == "encoder.layers.0.linear2.bias");
    }

    [Fact]
    public void A_fully_masked_row_in_training_is_the_forward_error()
    {
        var layer = new MultiHeadAttention(4, 2, seed: 1);
        var x = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(3, 4, (i, j) => i - j);
        var hidden = Mask.FromPredicate(3, 3, (i, j) => i > 0);
        var forward = Assert.Throws<InvalidOperationException>(() => layer.Forward(x, x, x, hidden));
        var training = Assert.Throws<InvalidOperationException>(() => layer.ForwardForTraining(x, x, x, hidden));
        Assert.Equal(forward.Message, training.Message);
        Assert.Equal(Softmax.FullyMaskedRow(0).Message, training.Message);
    }

    [Fact]
    public void A_tape_of_another_shape_or_a_foreign_gradient_is_refused()
    {
        var model = new Transformer(Config, seed: 6);
        var pair = TeacherForcing.Shift([6, 5], 4);
        var tape = model.ForwardForTraining([4, 5], pair.DecoderInput);
        Assert.Equal("dLogits", Assert.Throws<ArgumentException>(() =>
            model.Backward(tape, MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(2, 11), model.NewGradients())).ParamName);
        var other = new Transformer(Config, seed: 6);
        Assert.Equal("weight", Assert.Throws<ArgumentException>(() =>
            model.Backward(tape, MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(4, 11), other.NewGradients())).ParamName);
    }
}
