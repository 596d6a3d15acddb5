using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>The sizes of a <see cref="DecoderOnlyModel"/>.</summary>
/// <param name="VocabularySize">How many token ids exist (the width of the logits).</param>
/// <param name="ModelWidth">d_model.</param>
/// <param name="Heads">Attention heads; must divide d_model.</param>
/// <param name="FeedForwardWidth">The feed-forward block's hidden width.</param>
/// <param name="Layers">How many layers.</param>
/// <param name="MaxLength">The longest sequence (the positional-encoding table's length).</param>
/// <param name="NormFirst">Pre-norm layers (PyTorch's norm_first=True), as language models use.</param>
public sealed record DecoderOnlyConfig(
    int VocabularySize, int ModelWidth = 16, int Heads = 2, int FeedForwardWidth = 32, int Layers = 2, int MaxLength = 32,
    bool NormFirst = false)
{
    internal void Validate(string name) => Guard.ModelSizes(name, ModelWidth, Heads,
        (nameof(VocabularySize), VocabularySize), (nameof(ModelWidth), ModelWidth), (nameof(Heads), Heads),
        (nameof(FeedForwardWidth), FeedForwardWidth), (nameof(Layers), Layers), (nameof(MaxLength), MaxLength));
}

/// <summary>What one pass of a <see cref="DecoderOnlyModel"/> computed.</summary>
/// <param name="Logits">Next-token scores, one row per position.</param>
/// <param name="Input">Token embeddings + the positions' encodings, the first layer's input.</param>
/// <param name="Mask">The self-attention mask every layer used.</param>
/// <param name="PositionIds">The position each token was encoded at.</param>
/// <param name="Layers">Each layer's output and self-attention.</param>
public sealed record DecoderOnlyResult(
    Matrix<double> Logits, Matrix<double> Input, Mask Mask, IReadOnlyList<int> PositionIds, IReadOnlyList<EncoderLayerResult> Layers);

/// <summary>
/// A decoder-only language model (lesson 12): token embeddings plus sinusoidal positions, a stack of
/// self-attention layers under the causal mask (the decoder without its cross-attention), a final norm and a
/// projection to the vocabulary. Each layer is nn.TransformerEncoderLayer, which is exactly such a block once
/// the causal mask is on. For a left-padded batch the positions come from the padding
/// (<see cref="PositionIds"/>), and the mask hides the PAD keys too.
/// </summary>
public sealed class DecoderOnlyModel
{
    /// <summary>The model's sizes.</summary>
    public DecoderOnlyConfig Config { get; }

    /// <summary>The token embedding table, vocabulary × d.</summary>
    public Embedding TokenEmbedding { get; }

    /// <summary>The sinusoidal position table, MaxLength × d (fixed, not trained).</summary>
    public Matrix<double> Positions { get; }

    /// <summary>The stack of layers.</summary>
    public IReadOnlyList<EncoderLayer> Layers { get; }

    /// <summary>The norm after the last layer.</summary>
    public LayerNorm Norm { get; }

    /// <summary>The projection from the last norm to the vocabulary's logits.</summary>
    public Linear OutputProjection { get; }

    /// <summary>A model with seeded random weights.</summary>
    public DecoderOnlyModel(DecoderOnlyConfig config, int seed)
    {
        Guard.NotNull(config, nameof(config));
        config.Validate(nameof(config));
        var rng = new Random(seed);
        int d = config.ModelWidth;
        Config = config;
        TokenEmbedding = new Embedding(config.VocabularySize, d, rng.Next());
        Positions = PositionalEncoding.Sinusoidal(config.MaxLength, d);
        Layers = Enumerable.Range(0, config.Layers)
            .Select(_ => new EncoderLayer(d, config.Heads, config.FeedForwardWidth, rng, config.NormFirst)).ToArray();
        Norm = new LayerNorm(d);
        OutputProjection = new Linear(d, config.VocabularySize, rng);
    }

    private DecoderOnlyModel(DecoderOnlyConfig config, StateDictReader r)
    {
        int d = config.ModelWidth;
        Config = config;
        TokenEmbedding = new Embedding(r.Child("token_embedding").Matrix("weight", config.VocabularySize, d));
        Positions = PositionalEncoding.Sinusoidal(config.MaxLength, d);
        Layers = Enumerable.Range(0, config.Layers)
            .Select(i => EncoderLayer.Load(r.Child($"layers.{i}"), d, config.Heads, config.FeedForwardWidth, config.NormFirst)).ToArray();
        Norm = LayerNorm.Load(r.Child("norm"), d);
        OutputProjection = Linear.Load(r.Child("output_projection"), d, config.VocabularySize);
    }

    /// <summary>Builds the model from a state_dict: token_embedding.weight, layers.{i}.* (nn.TransformerEncoderLayer's names), norm.*, output_projection.*.</summary>
    public static DecoderOnlyModel FromStateDict(StateDict stateDict, DecoderOnlyConfig config)
    {
        Guard.NotNull(stateDict, nameof(stateDict));
        Guard.NotNull(config, nameof(config));
        config.Validate(nameof(config));
        var reader = new StateDictReader(stateDict, "");
        var model = new DecoderOnlyModel(config, reader);
        reader.RejectExtra();
        return model;
    }

    /// <summary>
    /// The positions of a padded sequence counted over its real tokens only, as Hugging Face computes them for a
    /// left-padded batch: cumsum(not PAD) − 1, and 1 on PAD positions (any valid position: they are masked).
    /// Without them a left-padded sentence would start at position 2 or 3 instead of 0.
    /// </summary>
    public static int[] PositionIds(IReadOnlyList<int> ids)
    {
        Guard.NotNull(ids, nameof(ids));
        var positions = new int[ids.Count];
        int real = 0;
        for (int i = 0; i < ids.Count; i++)
            positions[i] = Vocabulary.IsPad(ids[i]) ? 1 : real++;
        return positions;
    }

    /// <summary>
    /// One pass over a sequence. The mask defaults to causal ∧ key padding of <paramref name="ids"/>, and the
    /// positions to 0 … n − 1 (pass <see cref="PositionIds"/> for a left-padded sequence). Under causal ∧ padding
    /// the left PAD rows see nothing: ask for a <paramref name="policy"/> other than Throw (Hugging Face's is
    /// <see cref="FullyMaskedRowPolicy.Uniform"/>); their rows are never read.
    /// </summary>
    public DecoderOnlyResult Forward(
        IReadOnlyList<int> ids, IReadOnlyList<int>? positionIds = null, Mask? mask = null,
        FullyMaskedRowPolicy policy = FullyMaskedRowPolicy.Throw)
    {
        CheckIds(ids, nameof(ids));
        var positions = positionIds?.ToArray() ?? Enumerable.Range(0, ids.Count).ToArray();
        CheckPositions(positions, ids.Count, nameof(positionIds));
        mask ??= Mask.Causal(ids.Count) & Mask.KeyPadding(Vocabulary.PadFlags(ids), ids.Count);
        Guard.MaskShape(mask, ids.Count, ids.Count, nameof(mask));
        var input = Embed(ids, positions);
        var additive = mask.ToAdditive();
        var x = input;
        var layers = new EncoderLayerResult[Layers.Count];
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = Layers[i].Forward(x, additive, null, policy);
            x = layers[i].Output;
        }
        return new DecoderOnlyResult(OutputProjection.Forward(Norm.Forward(x)), input, mask, positions, layers);
    }

    /// <summary>
    /// One generation step with a cache (lesson 12): the new token at <paramref name="positionId"/> attends to
    /// every cached position that is not PAD, and to itself. Its mask is one row over past + 1 keys.
    /// Returns the next-token logits. A PAD token (a left-padded prompt's) sees no key: pass a policy other
    /// than Throw to cache it, its logits are then never read.
    /// </summary>
    public Vector<double> Step(
        DecoderOnlyCache cache, int token, int positionId, FullyMaskedRowPolicy policy = FullyMaskedRowPolicy.Throw)
    {
        Guard.NotNull(cache, nameof(cache));
        if (!ReferenceEquals(cache.Model, this))
            throw new ArgumentException("cache was made for another model: expected a cache made with new DecoderOnlyCache(this model).", nameof(cache));
        if (cache.Length >= Config.MaxLength)
            throw new ArgumentException($"cache is full: expected at most {Config.MaxLength} positions, actual {cache.Length + 1}.", nameof(cache));
        CheckIds([token], nameof(token));
        CheckPositions([positionId], 1, nameof(positionId));
        var x = Embed([token], [positionId]);
        try
        {
            for (int i = 0; i < Layers.Count; i++)
                x = Layers[i].Step(x, cache.Layer(i), Vocabulary.IsPad(token), policy);
            var logits = OutputProjection.Forward(Norm.Forward(x)).Row(0);
            cache.Commit();
            return logits;
        }
        catch
        {
            cache.Rollback(); // a failed step leaves nothing behind for the next one to read
            throw;
        }
    }

    private Matrix<double> Embed(IReadOnlyList<int> ids, IReadOnlyList<int> positions)
    {
        var x = TokenEmbedding.Forward(ids);
        for (int i = 0; i < ids.Count; i++)
            x.SetRow(i, x.Row(i) + Positions.Row(positions[i]));
        return x;
    }

    private void CheckIds(IReadOnlyList<int> ids, string name)
    {
        Guard.NotNull(ids, name);
        if (ids.Count == 0 || ids.Count > Config.MaxLength)
            throw new ArgumentException($"{name} has {ids.Count} tokens: expected 1 to {Config.MaxLength} (the model's maximum length).", name);
        for (int i = 0; i < ids.Count; i++)
            if (ids[i] < 0 || ids[i] >= Config.VocabularySize)
                throw new ArgumentException($"{name}[{i}] is {ids[i]}: expected an id in [0, {Config.VocabularySize}).", name);
    }

    private void CheckPositions(IReadOnlyList<int> positions, int count, string name)
    {
        if (positions.Count != count)
            throw new ArgumentException($"{name} has the wrong length: expected one position per token ({count}), actual {positions.Count}.", name);
        for (int i = 0; i < positions.Count; i++)
            if (positions[i] < 0 || positions[i] >= Config.MaxLength)
                throw new ArgumentException($"{name}[{i}] is {positions[i]}: expected a position in [0, {Config.MaxLength}).", name);
    }
}
