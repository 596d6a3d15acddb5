using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>The sizes of a <see cref="Transformer"/>, with PyTorch's meanings.</summary>
/// <param name="SourceVocabularySize">How many source token ids exist.</param>
/// <param name="TargetVocabularySize">How many target token ids exist (the width of the logits).</param>
/// <param name="ModelWidth">d_model.</param>
/// <param name="Heads">nhead; must divide d_model.</param>
/// <param name="FeedForwardWidth">dim_feedforward.</param>
/// <param name="EncoderLayers">num_encoder_layers.</param>
/// <param name="DecoderLayers">num_decoder_layers.</param>
/// <param name="MaxLength">The longest source or target sequence (the positional-encoding table's length).</param>
/// <param name="NormFirst">Pre-norm layers (PyTorch's norm_first=True); false is post-norm, PyTorch's default.</param>
public sealed record TransformerConfig(
    int SourceVocabularySize,
    int TargetVocabularySize,
    int ModelWidth = 16,
    int Heads = 2,
    int FeedForwardWidth = 32,
    int EncoderLayers = 2,
    int DecoderLayers = 2,
    int MaxLength = 32,
    bool NormFirst = false)
{
    internal void Validate(string name) => Guard.ModelSizes(name, ModelWidth, Heads,
        (nameof(SourceVocabularySize), SourceVocabularySize), (nameof(TargetVocabularySize), TargetVocabularySize),
        (nameof(ModelWidth), ModelWidth), (nameof(Heads), Heads), (nameof(FeedForwardWidth), FeedForwardWidth),
        (nameof(EncoderLayers), EncoderLayers), (nameof(DecoderLayers), DecoderLayers), (nameof(MaxLength), MaxLength));
}

/// <summary>What the encoder handed to the decoder: the memory (after the final norm), which source positions are PAD, and each layer's attention.</summary>
/// <param name="Memory">The encoder's output, source length × d, PAD rows included.</param>
/// <param name="SourceIsPad">true at PAD source positions: the decoder's cross-attention hides them.</param>
/// <param name="Input">The encoder's input: embeddings plus positions.</param>
/// <param name="Layers">Each encoder layer's output and self-attention.</param>
public sealed record EncoderResult(
    Matrix<double> Memory, IReadOnlyList<bool> SourceIsPad, Matrix<double> Input, IReadOnlyList<EncoderLayerResult> Layers);

/// <summary>What the decoder computed for a whole target sequence.</summary>
/// <param name="Logits">One row of next-token scores per target position, T × target vocabulary.</param>
/// <param name="Output">The decoder's output after the final norm, T × d.</param>
/// <param name="Input">The decoder's input: embeddings plus positions.</param>
/// <param name="SelfMask">The additive mask of the decoder's self-attention (causal + target padding), or null.</param>
/// <param name="Layers">Each decoder layer's output, self-attention and cross-attention.</param>
public sealed record DecoderResult(
    Matrix<double> Logits, Matrix<double> Output, Matrix<double> Input, Matrix<double>? SelfMask, IReadOnlyList<DecoderLayerResult> Layers);

/// <summary>One cached decoding step: the newest position's logits and each layer's attention row.</summary>
/// <param name="Position">The position of the token fed in this step.</param>
/// <param name="Logits">The next-token scores predicted from that position.</param>
/// <param name="Layers">Each decoder layer's one-row self- and cross-attention.</param>
public sealed record DecoderStep(int Position, Vector<double> Logits, IReadOnlyList<DecoderLayerResult> Layers);

/// <summary>A forward pass through the whole model.</summary>
/// <param name="Encoder">What the encoder computed.</param>
/// <param name="Decoder">What the decoder computed.</param>
public sealed record TransformerResult(EncoderResult Encoder, DecoderResult Decoder)
{
    /// <summary>The decoder's logits, T × target vocabulary.</summary>
    public Matrix<double> Logits => Decoder.Logits;
}

/// <summary>
/// The encoder–decoder of the course: nn.Transformer (post-norm layers and the final encoder and decoder
/// LayerNorms) between source and target embeddings with sinusoidal positions, and a linear output
/// projection to the target vocabulary. The embeddings are added to the positions unscaled (no √d_model
/// factor): nn.Embedding's N(0, 1) rows already match the positions' scale, and the PyTorch fixtures do
/// the same. State-dict names: <c>source_embedding.weight</c>, <c>target_embedding.weight</c>,
/// <c>encoder.layers.{i}.*</c>, <c>encoder.norm.*</c>, <c>decoder.layers.{i}.*</c>, <c>decoder.norm.*</c>,
/// <c>output_projection.*</c> (lessons 05–08).
/// </summary>
public sealed partial class Transformer
{
    /// <summary>The model's sizes.</summary>
    public TransformerConfig Config { get; }

    /// <summary>The source token embedding (source vocabulary × d).</summary>
    public Embedding SourceEmbedding { get; }

    /// <summary>The target token embedding (target vocabulary × d).</summary>
    public Embedding TargetEmbedding { get; }

    /// <summary>The sinusoidal positional encoding, MaxLength × d.</summary>
    public Matrix<double> Positions { get; }

    /// <summary>The encoder stack.</summary>
    public IReadOnlyList<EncoderLayer> EncoderLayers { get; }

    /// <summary>The LayerNorm nn.Transformer applies after the last encoder layer.</summary>
    public LayerNorm EncoderNorm { get; }

    /// <summary>The decoder stack.</summary>
    public IReadOnlyList<DecoderLayer> DecoderLayers { get; }

    /// <summary>The LayerNorm nn.Transformer applies after the last decoder layer.</summary>
    public LayerNorm DecoderNorm { get; }

    /// <summary>The projection of decoder states to target-vocabulary logits.</summary>
    public Linear OutputProjection { get; }

    /// <summary>A model with seeded random weights: the same seed always draws the same model.</summary>
    public Transformer(TransformerConfig config, int seed)
    {
        Guard.NotNull(config, nameof(config));
        config.Validate(nameof(config));
        var rng = new Random(seed);
        int d = config.ModelWidth;
        Config = config;
        SourceEmbedding = new Embedding(config.SourceVocabularySize, d, rng.Next());
        TargetEmbedding = new Embedding(config.TargetVocabularySize, d, rng.Next());
        Positions = PositionalEncoding.Sinusoidal(config.MaxLength, d);
        EncoderLayers = Enumerable.Range(0, config.EncoderLayers)
            .Select(_ => new EncoderLayer(d, config.Heads, config.FeedForwardWidth, rng, config.NormFirst)).ToArray();
        EncoderNorm = new LayerNorm(d);
        DecoderLayers = Enumerable.Range(0, config.DecoderLayers)
            .Select(_ => new DecoderLayer(d, config.Heads, config.FeedForwardWidth, rng, config.NormFirst)).ToArray();
        DecoderNorm = new LayerNorm(d);
        OutputProjection = new Linear(d, config.TargetVocabularySize, rng);
    }

    private Transformer(TransformerConfig config, StateDictReader r)
    {
        int d = config.ModelWidth;
        Config = config;
        SourceEmbedding = LoadEmbedding(r.Child("source_embedding"), config.SourceVocabularySize, d);
        TargetEmbedding = LoadEmbedding(r.Child("target_embedding"), config.TargetVocabularySize, d);
        Positions = PositionalEncoding.Sinusoidal(config.MaxLength, d);
        EncoderLayers = Enumerable.Range(0, config.EncoderLayers)
            .Select(i => EncoderLayer.Load(r.Child($"encoder.layers.{i}"), d, config.Heads, config.FeedForwardWidth, config.NormFirst)).ToArray();
        EncoderNorm = LayerNorm.Load(r.Child("encoder.norm"), d);
        DecoderLayers = Enumerable.Range(0, config.DecoderLayers)
            .Select(i => DecoderLayer.Load(r.Child($"decoder.layers.{i}"), d, config.Heads, config.FeedForwardWidth, config.NormFirst)).ToArray();
        DecoderNorm = LayerNorm.Load(r.Child("decoder.norm"), d);
        OutputProjection = Linear.Load(r.Child("output_projection"), d, config.TargetVocabularySize);
    }

    private static Embedding LoadEmbedding(StateDictReader r, int vocabularySize, int d) =>
        new Embedding(r.Matrix("weight", vocabularySize, d));

    /// <summary>Builds the model from a state_dict saved by PyTorch (see the class summary for the names); every tensor must be used.</summary>
    public static Transformer FromStateDict(StateDict stateDict, TransformerConfig config)
    {
        Guard.NotNull(stateDict, nameof(stateDict));
        Guard.NotNull(config, nameof(config));
        config.Validate(nameof(config));
        var reader = new StateDictReader(stateDict, "");
        var model = new Transformer(config, reader);
        reader.RejectExtra();
        return model;
    }

    /// <summary>The model's weights with PyTorch's names, ready to save as JSON.</summary>
    public StateDict ToStateDict()
    {
        var t = new Dictionary<string, StateTensor>
        {
            ["source_embedding.weight"] = StateTensor.From(SourceEmbedding.Weight),
            ["target_embedding.weight"] = StateTensor.From(TargetEmbedding.Weight),
        };
        for (int i = 0; i < EncoderLayers.Count; i++) EncoderLayers[i].Save(t, $"encoder.layers.{i}.");
        EncoderNorm.Save(t, "encoder.norm.");
        for (int i = 0; i < DecoderLayers.Count; i++) DecoderLayers[i].Save(t, $"decoder.layers.{i}.");
        DecoderNorm.Save(t, "decoder.norm.");
        OutputProjection.Save(t, "output_projection.");
        return new StateDict(t);
    }

    /// <summary>Source tokens → embeddings + positions, n × d.</summary>
    public Matrix<double> EmbedSource(IReadOnlyList<int> sourceIds)
    {
        CheckIds(sourceIds, Config.SourceVocabularySize, nameof(sourceIds));
        return SourceEmbedding.Forward(sourceIds) + Positions.SubMatrix(0, sourceIds.Count, 0, Config.ModelWidth);
    }

    /// <summary>Target tokens → embeddings + positions, n × d.</summary>
    public Matrix<double> EmbedTarget(IReadOnlyList<int> targetIds)
    {
        CheckIds(targetIds, Config.TargetVocabularySize, nameof(targetIds));
        return TargetEmbedding.Forward(targetIds) + Positions.SubMatrix(0, targetIds.Count, 0, Config.ModelWidth);
    }

    /// <summary>Runs the encoder over the source: padding mask only, then the final encoder norm.</summary>
    public EncoderResult Encode(IReadOnlyList<int> sourceIds)
    {
        CheckIds(sourceIds, Config.SourceVocabularySize, nameof(sourceIds));
        var input = EmbedSource(sourceIds);
        var isPad = sourceIds.Select(Vocabulary.IsPad).ToArray();
        Guard.NotAllPad(isPad, nameof(sourceIds));
        return EncodeEmbedded(input, isPad);
    }

    /// <summary>Runs the encoder over already embedded rows (n × d), e.g. to show that PAD rows cannot matter.</summary>
    public EncoderResult EncodeEmbedded(Matrix<double> input, IReadOnlyList<bool> sourceIsPad)
    {
        Guard.Columns(input, Config.ModelWidth, nameof(input), "the model width");
        Guard.NonEmpty(input, nameof(input));
        Guard.Length(sourceIsPad, input.RowCount, nameof(sourceIsPad), "one flag per input row");
        Guard.NotAllPad(sourceIsPad, nameof(sourceIsPad));
        var padding = sourceIsPad.Any(p => p) ? sourceIsPad : null;
        var x = input;
        var layers = new EncoderLayerResult[EncoderLayers.Count];
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = EncoderLayers[i].Forward(x, null, padding);
            x = layers[i].Output;
        }
        return new EncoderResult(EncoderNorm.Forward(x), sourceIsPad.ToArray(), input, layers);
    }

    /// <summary>
    /// Runs the decoder over a whole target sequence against an encoded source. With causal = true
    /// (teacher forcing) the self-attention mask is causal + target padding, so every row predicts
    /// the next token from its prefix only; causal = false drops the look-ahead mask (lesson 08's
    /// cautionary model).
    /// </summary>
    public DecoderResult Decode(EncoderResult encoder, IReadOnlyList<int> decoderInputIds, bool causal = true)
    {
        Guard.NotNull(encoder, nameof(encoder));
        CheckIds(decoderInputIds, Config.TargetVocabularySize, nameof(decoderInputIds));
        var input = EmbedTarget(decoderInputIds);
        var isPad = DecoderInputPadding(decoderInputIds, causal);
        return DecodeEmbedded(encoder, input, isPad, causal);
    }

    /// <summary>Which decoder inputs are PAD; not all of them, and under the causal mask not the first.</summary>
    private static bool[] DecoderInputPadding(IReadOnlyList<int> decoderInputIds, bool causal)
    {
        var isPad = decoderInputIds.Select(Vocabulary.IsPad).ToArray();
        Guard.NotAllPad(isPad, nameof(decoderInputIds));
        if (causal && isPad[0])
            throw new ArgumentException(
                "decoderInputIds starts with PAD, so under the causal mask its first row would attend to nothing: expected <s> (or another real token) at position 0, actual <pad>.",
                nameof(decoderInputIds));
        return isPad;
    }

    /// <summary>Runs the decoder over already embedded target rows (T × d).</summary>
    public DecoderResult DecodeEmbedded(EncoderResult encoder, Matrix<double> input, IReadOnlyList<bool> targetIsPad, bool causal = true)
    {
        Guard.NotNull(encoder, nameof(encoder));
        Guard.Columns(input, Config.ModelWidth, nameof(input), "the model width");
        Guard.NonEmpty(input, nameof(input));
        Guard.Length(targetIsPad, input.RowCount, nameof(targetIsPad), "one flag per input row");
        Guard.Columns(encoder.Memory, Config.ModelWidth, nameof(encoder), "the model width");
        int n = input.RowCount;
        Matrix<double>? mask = causal ? Masks.Causal(n) : null;
        if (targetIsPad.Any(p => p))
        {
            var padding = Masks.Padding(targetIsPad, n);
            mask = mask is null ? padding : Masks.Combine(mask, padding);
        }
        var memoryPadding = encoder.SourceIsPad.Any(p => p) ? encoder.SourceIsPad : null;
        var x = input;
        var layers = new DecoderLayerResult[DecoderLayers.Count];
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = DecoderLayers[i].Forward(x, encoder.Memory, mask, null, memoryPadding);
            x = layers[i].Output;
        }
        var output = DecoderNorm.Forward(x);
        return new DecoderResult(OutputProjection.Forward(output), output, input, mask, layers);
    }

    /// <summary>One masked pass over source and decoder input: every target position's logits at once (teacher forcing, lesson 05).</summary>
    public Matrix<double> Forward(IReadOnlyList<int> sourceIds, IReadOnlyList<int> decoderInputIds) =>
        Run(sourceIds, decoderInputIds).Logits;

    /// <summary>Like <see cref="Forward"/>, keeping every intermediate matrix for plotting.</summary>
    public TransformerResult Run(IReadOnlyList<int> sourceIds, IReadOnlyList<int> decoderInputIds, bool causal = true)
    {
        var encoder = Encode(sourceIds);
        return new TransformerResult(encoder, Decode(encoder, decoderInputIds, causal));
    }

    /// <summary>Feeds one more target token through the decoder, reusing the cache's keys and values (lesson 07).</summary>
    public DecoderStep Step(KeyValueCache cache, int token)
    {
        Guard.NotNull(cache, nameof(cache));
        if (!ReferenceEquals(cache.Model, this))
            throw new ArgumentException(
                "cache was made for another model, whose keys and values this one cannot use: expected a cache made with "
                + "new KeyValueCache(this model, …), actual one made for another Transformer.", nameof(cache));
        if (cache.Length >= cache.Capacity)
            throw new ArgumentException(
                $"cache is full, the model's maximum length is exceeded: expected at most {Config.MaxLength} positions, actual {cache.Length + 1}.", nameof(cache));
        CheckIds([token], Config.TargetVocabularySize, nameof(token));
        int position = cache.Length;
        var x = TargetEmbedding.Forward([token]) + Positions.SubMatrix(position, 1, 0, Config.ModelWidth);
        var layers = new DecoderLayerResult[DecoderLayers.Count];
        Vector<double> logits;
        try
        {
            for (int i = 0; i < layers.Length; i++)
            {
                layers[i] = DecoderLayers[i].Step(x, cache.Layer(i));
                x = layers[i].Output;
            }
            logits = OutputProjection.Forward(DecoderNorm.Forward(x)).Row(0);
        }
        catch
        {
            cache.Rollback(); // a failed step leaves nothing behind for the next one to read
            throw;
        }
        cache.Commit();
        return new DecoderStep(position, logits, layers);
    }

    private void CheckIds(IReadOnlyList<int> ids, int vocabularySize, string name)
    {
        Guard.NotNull(ids, name);
        if (ids.Count == 0)
            throw new ArgumentException($"{name} is an empty sequence: expected 1 to {Config.MaxLength} tokens, actual 0.", name);
        if (ids.Count > Config.MaxLength)
            throw new ArgumentException(
                $"{name} is longer than the model's maximum length: expected at most {Config.MaxLength} tokens, actual {ids.Count}.", name);
        for (int i = 0; i < ids.Count; i++)
            if (ids[i] < 0 || ids[i] >= vocabularySize)
                throw new ArgumentException(
                    $"{name}[{i}] is not a token id of the vocabulary: expected an id in [0, {vocabularySize}), actual {ids[i]}.", name);
    }
}
