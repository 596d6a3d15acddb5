using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>
/// The keys and values a <see cref="DecoderOnlyModel"/> has computed, per layer, and which cached positions
/// are PAD (lesson 12). In a left-padded batch the PAD keys stay in the cache: every later step must still
/// hide them, so each step's mask is one row over past + 1 keys with the PAD columns at −∞.
/// </summary>
public sealed class DecoderOnlyCache
{
    private readonly LayerCache[] _layers;

    /// <summary>An empty cache for one sequence of <paramref name="model"/>.</summary>
    public DecoderOnlyCache(DecoderOnlyModel model)
    {
        Guard.NotNull(model, nameof(model));
        Model = model;
        _layers = model.Layers.Select(l => new LayerCache(model.Config.MaxLength, l.ModelWidth)).ToArray();
    }

    internal DecoderOnlyModel Model { get; }

    /// <summary>How many positions are cached.</summary>
    public int Length { get; private set; }

    /// <summary>Which cached positions are PAD (their keys are hidden from every later query).</summary>
    public IReadOnlyList<bool> KeyIsPad => _layers[0].KeyIsPad.Take(Length).ToArray();

    /// <summary>The cached keys of one layer, Length × d.</summary>
    public Matrix<double> Keys(int layer) => Layer(layer).Keys;

    internal LayerCache Layer(int layer)
    {
        Guard.Index(layer, _layers.Length, nameof(layer));
        return _layers[layer];
    }

    internal void Commit() => Length++;

    internal void Rollback()
    {
        foreach (var layer in _layers) layer.Truncate(Length);
    }

    internal sealed class LayerCache(int capacity, int width)
    {
        private readonly Matrix<double> _keys = Matrix<double>.Build.Dense(capacity, width);
        private readonly Matrix<double> _values = Matrix<double>.Build.Dense(capacity, width);
        private readonly List<bool> _isPad = [];

        public Matrix<double> Keys => _keys.SubMatrix(0, _isPad.Count, 0, _keys.ColumnCount);
        public Matrix<double> Values => _values.SubMatrix(0, _isPad.Count, 0, _values.ColumnCount);
        public IReadOnlyList<bool> KeyIsPad => _isPad;

        public void Append(Matrix<double> key, Matrix<double> value, bool isPad)
        {
            _keys.SetRow(_isPad.Count, key.Row(0));
            _values.SetRow(_isPad.Count, value.Row(0));
            _isPad.Add(isPad);
        }

        public void Truncate(int count)
        {
            if (_isPad.Count > count) _isPad.RemoveRange(count, _isPad.Count - count);
        }
    }
}
