using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>
/// The keys and values a decoder has already computed, one store per decoder layer, so that each
/// greedy step projects only the newest token instead of the whole prefix (lesson 07). Causality is
/// what makes this exact: an earlier position's keys and values never depend on later tokens.
/// The cross-attention keys and values of the encoder's memory are projected once, up front.
/// </summary>
public sealed class KeyValueCache
{
    private readonly LayerCache[] _layers;

    /// <summary>The model the cache was made for: its keys and values mean nothing to any other.</summary>
    internal Transformer Model { get; }

    /// <summary>The encoder output the cached decoder attends to.</summary>
    public EncoderResult Encoder { get; }

    /// <summary>How many target positions are cached.</summary>
    public int Length { get; private set; }

    /// <summary>How many positions fit: the model's maximum length.</summary>
    public int Capacity { get; }

    /// <summary>The number of decoder layers cached.</summary>
    public int Layers => _layers.Length;

    /// <summary>An empty cache for decoding against one encoded source.</summary>
    public KeyValueCache(Transformer model, EncoderResult encoder)
    {
        Guard.NotNull(model, nameof(model));
        Guard.NotNull(encoder, nameof(encoder));
        Guard.Columns(encoder.Memory, model.Config.ModelWidth, nameof(encoder), "the model width");
        Model = model;
        Encoder = encoder;
        Capacity = model.Config.MaxLength;
        var memoryMask = encoder.SourceIsPad.Any(p => p) ? Masks.Padding(encoder.SourceIsPad, 1) : null;
        _layers = model.DecoderLayers
            .Select(layer => new LayerCache(Capacity, layer.ModelWidth,
                layer.CrossAttention.KeyProjection.Forward(encoder.Memory),
                layer.CrossAttention.ValueProjection.Forward(encoder.Memory),
                memoryMask))
            .ToArray();
    }

    /// <summary>The cached self-attention keys of one decoder layer (Length × d, every head side by side).</summary>
    public Matrix<double> Keys(int layer) => Layer(layer).Keys;

    /// <summary>The cached self-attention values of one decoder layer (Length × d).</summary>
    public Matrix<double> Values(int layer) => Layer(layer).Values;

    internal LayerCache Layer(int layer)
    {
        if (layer < 0 || layer >= _layers.Length)
            throw new ArgumentException($"layer is not a decoder layer: expected 0 to {_layers.Length - 1}, actual {layer}.", nameof(layer));
        return _layers[layer];
    }

    /// <summary>Called once every layer has appended the newest position.</summary>
    internal void Commit() => Length++;

    /// <summary>Drops what a step that failed part-way appended, so the cache holds the committed positions only.</summary>
    internal void Rollback()
    {
        foreach (var layer in _layers) layer.Truncate(Length);
    }

    internal sealed class LayerCache(
        int capacity, int width, Matrix<double> memoryKeys, Matrix<double> memoryValues, Matrix<double>? memoryMask)
    {
        private readonly Matrix<double> _keys = Matrix<double>.Build.Dense(capacity, width);
        private readonly Matrix<double> _values = Matrix<double>.Build.Dense(capacity, width);
        private int _count;

        public Matrix<double> MemoryKeys { get; } = memoryKeys;
        public Matrix<double> MemoryValues { get; } = memoryValues;
        public Matrix<double>? MemoryMask { get; } = memoryMask;

        public Matrix<double> Keys => _keys.SubMatrix(0, _count, 0, _keys.ColumnCount);
        public Matrix<double> Values => _values.SubMatrix(0, _count, 0, _values.ColumnCount);

        public void Truncate(int count) => _count = Math.Min(_count, count);

        public void Append(Matrix<double> key, Matrix<double> value)
        {
            _keys.SetRow(_count, key.Row(0));
            _values.SetRow(_count, value.Row(0));
            _count++;
        }
    }
}
