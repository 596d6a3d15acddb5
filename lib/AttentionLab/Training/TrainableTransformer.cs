using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;
using AttentionLab.Kernels;

namespace AttentionLab;

/// <summary>
/// The course's <see cref="Transformer"/> with a backward pass (lesson 08): the same layers, the same
/// PyTorch names, the same forward numbers (a test holds them equal to 1e-12), but weights kept as
/// flat <see cref="Parameter"/>s that <see cref="Adam"/> can update, and every step written out so that
/// one example's loss can be differentiated with respect to every weight. Build it from a library
/// model, train it, and turn it back into a library model with <see cref="ToTransformer"/>.
/// </summary>
public sealed class TrainableTransformer
{
    private readonly double[] _positions;

    /// <summary>The model's sizes.</summary>
    public TransformerConfig Config { get; }

    /// <summary>The source embedding table, source vocabulary × d.</summary>
    public Parameter SourceEmbedding { get; }

    /// <summary>The target embedding table, target vocabulary × d.</summary>
    public Parameter TargetEmbedding { get; }

    /// <summary>The encoder stack.</summary>
    public IReadOnlyList<TrainableEncoderLayer> EncoderLayers { get; }

    /// <summary>The norm after the last encoder layer.</summary>
    public TrainableLayerNorm EncoderNorm { get; }

    /// <summary>The decoder stack.</summary>
    public IReadOnlyList<TrainableDecoderLayer> DecoderLayers { get; }

    /// <summary>The norm after the last decoder layer.</summary>
    public TrainableLayerNorm DecoderNorm { get; }

    /// <summary>The projection from decoder states to target-vocabulary logits.</summary>
    public TrainableLinear OutputProjection { get; }

    /// <summary>Every trainable tensor, in state_dict order. The sinusoidal positions are fixed, not trained.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>A trainable copy of a library model's weights (the library model is not changed).</summary>
    public TrainableTransformer(Transformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Config.NormFirst)
            throw new ArgumentException(
                "model is pre-norm (Config.NormFirst): the training layers are post-norm, so its gradients would be another model's. "
                + "Expected NormFirst = false, actual true.", nameof(model));
        Config = model.Config;
        int d = Config.ModelWidth;
        SourceEmbedding = new Parameter("source_embedding.weight", [Config.SourceVocabularySize, d], FlatKernels.FromMatrix(model.SourceEmbedding.Weight));
        TargetEmbedding = new Parameter("target_embedding.weight", [Config.TargetVocabularySize, d], FlatKernels.FromMatrix(model.TargetEmbedding.Weight));
        _positions = FlatKernels.FromMatrix(model.Positions);
        EncoderLayers = model.EncoderLayers.Select((l, i) => new TrainableEncoderLayer(l, $"encoder.layers.{i}.")).ToArray();
        EncoderNorm = new TrainableLayerNorm(model.EncoderNorm, "encoder.norm");
        DecoderLayers = model.DecoderLayers.Select((l, i) => new TrainableDecoderLayer(l, $"decoder.layers.{i}.")).ToArray();
        DecoderNorm = new TrainableLayerNorm(model.DecoderNorm, "decoder.norm");
        OutputProjection = new TrainableLinear(model.OutputProjection, "output_projection");
        Parameters =
        [
            SourceEmbedding, TargetEmbedding,
            .. EncoderLayers.SelectMany(l => l.Parameters), .. EncoderNorm.Parameters,
            .. DecoderLayers.SelectMany(l => l.Parameters), .. DecoderNorm.Parameters,
            .. OutputProjection.Parameters,
        ];
    }

    /// <summary>A model with the seeded random weights of <c>new Transformer(config, seed)</c>.</summary>
    public TrainableTransformer(TransformerConfig config, int seed) : this(new Transformer(config, seed)) { }

    /// <summary>How many numbers are trained.</summary>
    public int ParameterCount => Parameters.Sum(p => p.Count);

    /// <summary>Zero gradients, one array per parameter.</summary>
    public Gradients NewGradients() => new(Parameters);

    /// <summary>The current weights with PyTorch's names.</summary>
    public StateDict ToStateDict() => new(Parameters.Select(p => KeyValuePair.Create(p.Name, p.ToStateTensor())));

    /// <summary>A library <see cref="Transformer"/> with the current weights, for greedy decoding and plotting.</summary>
    public Transformer ToTransformer() => Transformer.FromStateDict(ToStateDict(), Config);

    /// <summary>Everything a forward pass computed that its backward pass needs.</summary>
    public sealed class ForwardPass
    {
        internal int[] SourceIds = [];
        internal int[] DecoderInputIds = [];
        internal TrainableEncoderLayer.Cache[] Encoder = [];
        internal TrainableLayerNorm.Cache EncoderNorm = null!;
        internal double[] Memory = [];
        internal TrainableDecoderLayer.Cache[] Decoder = [];
        internal TrainableLayerNorm.Cache DecoderNorm = null!;
        internal double[] DecoderOutput = [];
        internal double[] FlatLogits = [];

        /// <summary>The source length S.</summary>
        public int SourceLength => SourceIds.Length;

        /// <summary>The decoder input length T.</summary>
        public int TargetLength => DecoderInputIds.Length;

        /// <summary>The next-token scores, T × target vocabulary.</summary>
        public Matrix<double> Logits => FlatKernels.ToMatrix(FlatLogits, TargetLength, FlatLogits.Length / TargetLength);

        /// <summary>One head's decoder self-attention weights in one layer, T × T (e.g. to see where the unmasked model looks).</summary>
        public Matrix<double> DecoderSelfAttention(int layer, int head) =>
            FlatKernels.ToMatrix(Decoder[layer].SelfAttention.Weights[head], TargetLength, TargetLength);
    }

    /// <summary>
    /// One forward pass over a source and a decoder input (both may end in PAD). The encoder uses the
    /// source padding mask; the decoder's self-attention uses causal + target padding (or, with
    /// causal = false, the padding mask alone: lesson 08's cautionary model); cross-attention hides PAD sources.
    /// </summary>
    public ForwardPass Forward(IReadOnlyList<int> sourceIds, IReadOnlyList<int> decoderInputIds, bool causal = true)
    {
        var pass = Encode(sourceIds);
        Decode(pass, decoderInputIds, causal);
        return pass;
    }

    private ForwardPass Encode(IReadOnlyList<int> sourceIds)
    {
        var source = CheckIds(sourceIds, Config.SourceVocabularySize, nameof(sourceIds));
        int s = source.Length;
        var sourceIsPad = source.Select(Vocabulary.IsPad).ToArray();
        var x = Embed(SourceEmbedding, source);
        var mask = AdditiveMask(s, s, causal: false, sourceIsPad);
        var caches = new TrainableEncoderLayer.Cache[EncoderLayers.Count];
        for (int l = 0; l < caches.Length; l++) (x, caches[l]) = EncoderLayers[l].Forward(x, s, mask);
        var (memory, norm) = EncoderNorm.Forward(x, s);
        return new ForwardPass { SourceIds = source, Encoder = caches, EncoderNorm = norm, Memory = memory };
    }

    private void Decode(ForwardPass pass, IReadOnlyList<int> decoderInputIds, bool causal)
    {
        var input = CheckIds(decoderInputIds, Config.TargetVocabularySize, nameof(decoderInputIds));
        if (causal && input[0] == Vocabulary.Pad)
            throw new ArgumentException(
                "decoderInputIds starts with PAD, so under the causal mask its first row would attend to nothing: expected <s> (or another real token) at position 0, actual <pad>.",
                nameof(decoderInputIds));
        int t = input.Length, s = pass.SourceLength;
        var selfMask = AdditiveMask(t, t, causal, input.Select(Vocabulary.IsPad).ToArray());
        var memoryMask = AdditiveMask(t, s, causal: false, pass.SourceIds.Select(Vocabulary.IsPad).ToArray());
        var y = Embed(TargetEmbedding, input);
        var caches = new TrainableDecoderLayer.Cache[DecoderLayers.Count];
        for (int l = 0; l < caches.Length; l++) (y, caches[l]) = DecoderLayers[l].Forward(y, t, selfMask, pass.Memory, s, memoryMask);
        var (output, norm) = DecoderNorm.Forward(y, t);
        pass.DecoderInputIds = input;
        pass.Decoder = caches;
        pass.DecoderNorm = norm;
        pass.DecoderOutput = output;
        pass.FlatLogits = OutputProjection.Forward(output, t);
    }

    /// <summary>
    /// Given ∂L/∂logits (T × target vocabulary) of a forward pass, adds ∂L/∂(every parameter) into gradients:
    /// output projection → decoder norm → decoder layers in reverse (collecting ∂L/∂memory from every
    /// cross-attention) → target embedding rows; then encoder norm → encoder layers → source embedding rows.
    /// </summary>
    public void Backward(ForwardPass pass, Matrix<double> dLogits, Gradients gradients)
    {
        ArgumentNullException.ThrowIfNull(pass);
        Guard.Exactly(dLogits, pass.TargetLength, Config.TargetVocabularySize, nameof(dLogits));
        Backward(pass, FlatKernels.FromMatrix(dLogits), gradients);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Backward(ForwardPass pass, double[] dLogits, Gradients gradients)
    {
        int d = Config.ModelWidth, t = pass.TargetLength, s = pass.SourceLength;
        var dy = DecoderNorm.Backward(pass.DecoderNorm, OutputProjection.Backward(pass.DecoderOutput, dLogits, t, gradients), gradients);
        var dMemory = new double[s * d];
        for (int l = DecoderLayers.Count - 1; l >= 0; l--)
        {
            (dy, var dm) = DecoderLayers[l].Backward(pass.Decoder[l], dy, gradients);
            for (int i = 0; i < dMemory.Length; i++) dMemory[i] += dm[i];
        }
        EmbedBackward(TargetEmbedding, pass.DecoderInputIds, dy, gradients);
        var dx = EncoderNorm.Backward(pass.EncoderNorm, dMemory, gradients);
        for (int l = EncoderLayers.Count - 1; l >= 0; l--) dx = EncoderLayers[l].Backward(pass.Encoder[l], dx, gradients);
        EmbedBackward(SourceEmbedding, pass.SourceIds, dx, gradients);
    }

    /// <summary>
    /// One example's forward and backward pass under cross-entropy with PAD targets ignored: adds
    /// scale · ∂(summed loss)/∂θ into gradients and returns the summed loss and how many targets counted.
    /// With scale = 1 / (non-PAD targets in the batch), the gradients of a batch add up to those of its mean loss.
    /// </summary>
    public (double LossSum, int Counted) AccumulateGradients(
        IReadOnlyList<int> sourceIds, IReadOnlyList<int> decoderInputIds, IReadOnlyList<int> targets, bool causal, double scale, Gradients gradients)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        Guard.Length(targets, decoderInputIds.Count, nameof(targets), "one target per decoder input position");
        var pass = Forward(sourceIds, decoderInputIds, causal);
        int t = pass.TargetLength, v = Config.TargetVocabularySize;
        var dLogits = new double[t * v];
        double loss = CrossEntropyGradient.Accumulate(pass.FlatLogits, t, v, [.. targets], scale, dLogits);
        Backward(pass, dLogits, gradients);
        return (loss, targets.Count(x => x != Vocabulary.Pad));
    }

    /// <summary>
    /// Greedy decoding (lesson 07's, without a cache): encode once, then feed &lt;s&gt; and every token
    /// chosen so far through the causally masked decoder and take the arg-max of the last row, until
    /// &lt;/s&gt; or maxLength tokens. At inference there is no future to read, so the causal mask is always on.
    /// </summary>
    public int[] GreedyDecode(IReadOnlyList<int> sourceIds, int maxLength)
    {
        if (maxLength < 1 || maxLength > Config.MaxLength)
            throw new ArgumentException($"maxLength must fit the model's maximum length: expected 1 to {Config.MaxLength}, actual {maxLength}.", nameof(maxLength));
        var pass = Encode(sourceIds);
        var input = new List<int> { Vocabulary.Start };
        var tokens = new List<int>();
        int v = Config.TargetVocabularySize;
        while (tokens.Count < maxLength)
        {
            Decode(pass, input, causal: true);
            int last = (input.Count - 1) * v, best = 0;
            for (int j = 1; j < v; j++) if (pass.FlatLogits[last + j] > pass.FlatLogits[last + best]) best = j;
            tokens.Add(best);
            if (best == Vocabulary.End) break;
            input.Add(best);
        }
        return [.. tokens];
    }

    /// <summary>
    /// The additive mask, queries × keys flat: −∞ where key j is PAD, or (causal) where j &gt; i, else 0;
    /// null when nothing is hidden.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double[]? AdditiveMask(int queries, int keys, bool causal, bool[] keyIsPad)
    {
        if (!causal && !keyIsPad.Any(p => p)) return null;
        var mask = new double[queries * keys];
        for (int i = 0; i < queries; i++)
            for (int j = 0; j < keys; j++)
                if ((causal && j > i) || keyIsPad[j]) mask[i * keys + j] = double.NegativeInfinity;
        return mask;
    }

    // Embedding row + position, one row per token.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double[] Embed(Parameter table, int[] ids)
    {
        int d = Config.ModelWidth;
        var x = new double[ids.Length * d];
        for (int i = 0; i < ids.Length; i++)
            for (int j = 0; j < d; j++) x[i * d + j] = table.Value[ids[i] * d + j] + _positions[i * d + j];
        return x;
    }

    // The gradient of an embedding row is the sum of the gradients of the positions that looked it up; positions are fixed.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmbedBackward(Parameter table, int[] ids, double[] dx, Gradients gradients)
    {
        int d = Config.ModelWidth;
        var g = gradients[table];
        for (int i = 0; i < ids.Length; i++)
            for (int j = 0; j < d; j++) g[ids[i] * d + j] += dx[i * d + j];
    }

    private int[] CheckIds(IReadOnlyList<int> ids, int vocabularySize, string name)
    {
        ArgumentNullException.ThrowIfNull(ids, name);
        if (ids.Count == 0 || ids.Count > Config.MaxLength)
            throw new ArgumentException($"{name} must hold 1 to {Config.MaxLength} tokens (the model's maximum length): actual {ids.Count}.", name);
        for (int i = 0; i < ids.Count; i++)
            if (ids[i] < 0 || ids[i] >= vocabularySize)
                throw new ArgumentException($"{name}[{i}] is not a token id of the vocabulary: expected an id in [0, {vocabularySize}), actual {ids[i]}.", name);
        if (ids.All(Vocabulary.IsPad))
            throw new ArgumentException($"{name} is all PAD: expected at least one real token, actual {ids.Count} × <pad>.", name);
        return [.. ids];
    }
}
