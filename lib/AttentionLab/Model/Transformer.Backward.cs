using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>What a whole model computed for one example, kept for its backward pass (lesson 08).</summary>
/// <param name="SourceIds">The source tokens.</param>
/// <param name="DecoderInputIds">The decoder's input tokens (&lt;s&gt; + target, padded).</param>
/// <param name="Encoder">Each encoder layer's tape.</param>
/// <param name="EncoderNormInput">The last encoder layer's output, before the final encoder norm.</param>
/// <param name="Memory">The encoder's output after that norm: the decoder's keys and values come from it.</param>
/// <param name="SelfMask">The decoder's self-attention mask (causal and/or the target's key padding), or null.</param>
/// <param name="Decoder">Each decoder layer's tape.</param>
/// <param name="DecoderNormInput">The last decoder layer's output, before the final decoder norm.</param>
/// <param name="DecoderOutput">The decoder's output after that norm, the output projection's input.</param>
/// <param name="Logits">One row of next-token scores per decoder position, T × target vocabulary.</param>
public sealed record TransformerTape(
    int[] SourceIds, int[] DecoderInputIds,
    IReadOnlyList<EncoderLayerTape> Encoder, Matrix<double> EncoderNormInput, Matrix<double> Memory,
    Mask? SelfMask, IReadOnlyList<DecoderLayerTape> Decoder, Matrix<double> DecoderNormInput,
    Matrix<double> DecoderOutput, Matrix<double> Logits)
{
    /// <summary>One head's decoder self-attention weights in one layer, T × T (e.g. to see where a model looks).</summary>
    public Matrix<double> DecoderSelfAttention(int layer, int head) => Decoder[layer].SelfAttention.Result.HeadWeights[head];
}

public sealed partial class Transformer
{
    private IReadOnlyList<Parameter>? _parameters;

    /// <summary>
    /// Every trainable tensor of the model with PyTorch's names (lesson 08): the layers' own matrices and
    /// vectors, so that training changes this model in place. The sinusoidal positions are fixed, not trained.
    /// </summary>
    public IReadOnlyList<Parameter> Parameters => _parameters ??=
    [
        .. SourceEmbedding.Parameters("source_embedding."), .. TargetEmbedding.Parameters("target_embedding."),
        .. EncoderLayers.SelectMany((l, i) => l.Parameters($"encoder.layers.{i}.")), .. EncoderNorm.Parameters("encoder.norm."),
        .. DecoderLayers.SelectMany((l, i) => l.Parameters($"decoder.layers.{i}.")), .. DecoderNorm.Parameters("decoder.norm."),
        .. OutputProjection.Parameters("output_projection."),
    ];

    /// <summary>How many numbers are trained.</summary>
    public int ParameterCount => Parameters.Sum(p => p.Count);

    /// <summary>Zero gradients for every parameter.</summary>
    public Gradients NewGradients() => new(Parameters);

    /// <summary>
    /// One forward pass for training (lesson 08): the same layers as <see cref="Run"/>, keeping what the
    /// backward pass needs. The masks are <see cref="Mask"/>s: the encoder's and the cross-attention's hide
    /// the source's PAD keys; the decoder's self-attention is causal ∧ the target's key padding, or (with
    /// causal = false, lesson 08's cautionary model) the key padding alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TransformerTape ForwardForTraining(IReadOnlyList<int> sourceIds, IReadOnlyList<int> decoderInputIds, bool causal = true)
    {
        var source = EmbedSource(sourceIds);
        var sourceIsPad = sourceIds.Select(Vocabulary.IsPad).ToArray();
        Guard.NotAllPad(sourceIsPad, nameof(sourceIds));
        var target = EmbedTarget(decoderInputIds);
        var targetIsPad = DecoderInputPadding(decoderInputIds, causal);
        int s = source.RowCount, t = target.RowCount;

        var sourcePadding = sourceIsPad.Any(p => p) ? Mask.KeyPadding(sourceIsPad, s) : null;
        var x = source;
        var encoder = new EncoderLayerTape[EncoderLayers.Count];
        for (int l = 0; l < encoder.Length; l++) x = (encoder[l] = EncoderLayers[l].ForwardForTraining(x, sourcePadding)).Output;
        var memory = EncoderNorm.Forward(x);

        var targetPadding = targetIsPad.Any(p => p) ? Mask.KeyPadding(targetIsPad, t) : null;
        var selfMask = !causal ? targetPadding : targetPadding is null ? Mask.Causal(t) : Mask.Causal(t).And(targetPadding);
        var crossMask = sourcePadding is null ? null : Mask.KeyPadding(sourceIsPad, t);
        var y = target;
        var decoder = new DecoderLayerTape[DecoderLayers.Count];
        for (int l = 0; l < decoder.Length; l++) y = (decoder[l] = DecoderLayers[l].ForwardForTraining(y, memory, selfMask, crossMask)).Output;
        var output = DecoderNorm.Forward(y);
        return new TransformerTape([.. sourceIds], [.. decoderInputIds], encoder, x, memory, selfMask, decoder, y, output,
            OutputProjection.Forward(output));
    }

    /// <summary>
    /// The backward pass of the whole model (lesson 08): given ∂L/∂logits (T × target vocabulary), adds
    /// ∂L/∂(every parameter) into gradients: output projection → decoder norm → decoder layers in reverse
    /// (collecting ∂L/∂memory from every cross-attention) → target embedding rows; then encoder norm →
    /// encoder layers in reverse → source embedding rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(TransformerTape tape, Matrix<double> dLogits, Gradients gradients)
    {
        Guard.NotNull(tape, nameof(tape));
        Guard.Exactly(dLogits, tape.Logits.RowCount, Config.TargetVocabularySize, nameof(dLogits));
        Guard.NotNull(gradients, nameof(gradients));
        var dy = DecoderNorm.Backward(tape.DecoderNormInput, OutputProjection.Backward(tape.DecoderOutput, dLogits, gradients), gradients);
        var dMemory = Matrix<double>.Build.Dense(tape.Memory.RowCount, Config.ModelWidth);
        for (int l = DecoderLayers.Count - 1; l >= 0; l--)
        {
            (dy, var dm) = DecoderLayers[l].Backward(tape.Decoder[l], dy, gradients);
            dMemory.Add(dm, dMemory);
        }
        TargetEmbedding.Backward(tape.DecoderInputIds, dy, gradients); // the positions are fixed: they take no gradient
        var dx = EncoderNorm.Backward(tape.EncoderNormInput, dMemory, gradients);
        for (int l = EncoderLayers.Count - 1; l >= 0; l--) dx = EncoderLayers[l].Backward(tape.Encoder[l], dx, gradients);
        SourceEmbedding.Backward(tape.SourceIds, dx, gradients);
    }

    /// <summary>
    /// One example's forward and backward pass under cross-entropy with PAD targets ignored (lesson 08): adds
    /// scale · ∂(summed loss)/∂θ into gradients and returns the summed loss and how many targets counted.
    /// With scale = 1 / (non-PAD targets in the batch), a batch's gradients add up to those of its mean loss.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double LossSum, int Counted) AccumulateGradients(
        IReadOnlyList<int> sourceIds, IReadOnlyList<int> decoderInputIds, IReadOnlyList<int> targets, bool causal, double scale,
        Gradients gradients)
    {
        Guard.NotNull(gradients, nameof(gradients));
        Guard.NotNull(decoderInputIds, nameof(decoderInputIds));
        Guard.Length(targets, decoderInputIds.Count, nameof(targets), "one target per decoder input position");
        var tape = ForwardForTraining(sourceIds, decoderInputIds, causal);
        var (loss, dLogits) = CrossEntropyGradient.Accumulate(tape.Logits, targets, scale);
        Backward(tape, dLogits, gradients);
        return (loss, targets.Count(x => x != Vocabulary.Pad));
    }
}
