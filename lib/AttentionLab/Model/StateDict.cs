using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>One tensor of a PyTorch state_dict: its shape and its values, flat and row-major.</summary>
public sealed record StateTensor(int[] Shape, double[] Data)
{
    /// <summary>The shape as PyTorch prints it, e.g. (24, 8).</summary>
    public string ShapeText => $"({string.Join(", ", Shape)})";

    /// <summary>A 2-D tensor as a matrix (rows × columns).</summary>
    public Matrix<double> ToMatrix()
    {
        if (Shape.Length != 2)
            throw new InvalidOperationException($"Expected a 2-D tensor, actual shape {ShapeText}.");
        return Matrix<double>.Build.Dense(Shape[0], Shape[1], (i, j) => Data[i * Shape[1] + j]);
    }

    /// <summary>A 1-D tensor as a vector.</summary>
    public Vector<double> ToVector()
    {
        if (Shape.Length != 1)
            throw new InvalidOperationException($"Expected a 1-D tensor, actual shape {ShapeText}.");
        return Vector<double>.Build.DenseOfArray((double[])Data.Clone());
    }

    /// <summary>A 3-D tensor (e.g. heads × queries × keys) as one matrix per leading index.</summary>
    public Matrix<double>[] ToMatrices()
    {
        if (Shape.Length != 3)
            throw new InvalidOperationException($"Expected a 3-D tensor, actual shape {ShapeText}.");
        int rows = Shape[1], cols = Shape[2], size = rows * cols;
        return Enumerable.Range(0, Shape[0])
            .Select(h => Matrix<double>.Build.Dense(rows, cols, (i, j) => Data[h * size + i * cols + j]))
            .ToArray();
    }

    /// <summary>A matrix as a 2-D tensor.</summary>
    public static StateTensor From(Matrix<double> m)
    {
        var data = new double[m.RowCount * m.ColumnCount];
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++)
                data[i * m.ColumnCount + j] = m[i, j];
        return new StateTensor([m.RowCount, m.ColumnCount], data);
    }

    /// <summary>A vector as a 1-D tensor.</summary>
    public static StateTensor From(Vector<double> v) => new([v.Count], v.ToArray());
}

/// <summary>
/// A PyTorch <c>state_dict</c> saved as JSON: <c>{"name": {"shape": [...], "data": [flat row-major]}}</c>,
/// with PyTorch's parameter names (<c>self_attn.in_proj_weight</c>, <c>encoder.layers.0.norm1.bias</c>, ...).
/// Non-finite values are written as the strings "Infinity", "-Infinity" and "NaN".
/// </summary>
public sealed class StateDict : IReadOnlyDictionary<string, StateTensor>
{
    private readonly Dictionary<string, StateTensor> _tensors;

    /// <summary>A state_dict from named tensors.</summary>
    public StateDict(IEnumerable<KeyValuePair<string, StateTensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _tensors = new Dictionary<string, StateTensor>(tensors, StringComparer.Ordinal);
    }

    /// <summary>Reads a state_dict from a JSON file.</summary>
    public static StateDict Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Reads a state_dict from JSON text.</summary>
    public static StateDict Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return FromJson(doc.RootElement);
    }

    /// <summary>Reads a state_dict from a JSON object whose properties are tensors.</summary>
    public static StateDict FromJson(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new ArgumentException($"A state_dict must be a JSON object, actual {element.ValueKind}.", nameof(element));
        return new StateDict(element.EnumerateObject()
            .Select(p => KeyValuePair.Create(p.Name, ReadTensor(p.Value, p.Name))));
    }

    /// <summary>
    /// Reads one tensor: an object {"shape": [...], "data": [...]} whose data is flat (row-major) or nested as
    /// <c>tensor.tolist()</c> writes it, or a bare nested list (its shape read from the nesting). Numbers are
    /// float64: a value beyond its range (1e400) is an error, never a silent ∞; ±∞ and NaN are written as the
    /// strings "Infinity", "-Infinity" and "NaN". Every error names the tensor and, for a number, its index.
    /// </summary>
    public static StateTensor ReadTensor(JsonElement element, string name = "tensor")
    {
        int[] shape;
        JsonElement dataJson;
        if (element.ValueKind == JsonValueKind.Array)
        {
            shape = NestedShape(element, name);
            dataJson = element;
        }
        else if (element.ValueKind == JsonValueKind.Object
                 && element.TryGetProperty("shape", out var shapeJson) && element.TryGetProperty("data", out dataJson))
        {
            if (shapeJson.ValueKind != JsonValueKind.Array)
                throw new ArgumentException($"Tensor '{name}': \"shape\" must be a list of sizes, actual {shapeJson.ValueKind}.", nameof(element));
            shape = shapeJson.EnumerateArray().Select((e, i) =>
                e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int size) && size >= 0
                    ? size
                    : throw new ArgumentException(
                        $"Tensor '{name}': shape[{i}] must be a size ≥ 0, actual {e.GetRawText()}.", nameof(element))).ToArray();
        }
        else
        {
            throw new ArgumentException(
                $"Tensor '{name}' must be an object with \"shape\" and \"data\", or a nested list: actual {element.ValueKind}.", nameof(element));
        }

        long expected = 1;
        foreach (int size in shape)
        {
            expected *= size;
            if (expected > Array.MaxLength)
                throw new ArgumentException(
                    $"Tensor '{name}' has shape ({string.Join(", ", shape)}): more elements than one array can hold (at most {Array.MaxLength}).", nameof(element));
        }

        var data = new List<double>((int)expected);
        Flatten(dataJson, name, data);
        if (data.Count != expected)
            throw new ArgumentException(
                $"Tensor '{name}' has shape ({string.Join(", ", shape)}) so expected {expected} values, actual {data.Count}.", nameof(element));
        return new StateTensor(shape, data.ToArray());
    }

    /// <summary>The shape of a rectangular nested list: [[1, 2], [3, 4]] is (2, 2).</summary>
    private static int[] NestedShape(JsonElement list, string name)
    {
        var shape = new List<int>();
        for (var e = list; e.ValueKind == JsonValueKind.Array; e = e.GetArrayLength() > 0 ? e[0] : default)
        {
            shape.Add(e.GetArrayLength());
            if (e.GetArrayLength() == 0) break;
        }
        return shape.ToArray();
    }

    /// <summary>Every number of a flat or nested list, in row-major order.</summary>
    private static void Flatten(JsonElement e, string name, List<double> into)
    {
        if (e.ValueKind != JsonValueKind.Array)
            throw new ArgumentException($"Tensor '{name}': \"data\" must be a list of numbers, actual {e.ValueKind}.", "element");
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array) Flatten(item, name, into);
            else into.Add(ReadNumber(item, name, into.Count));
        }
    }

    /// <summary>Writes the state_dict as JSON in the format <see cref="Parse"/> reads.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var (name, t) in _tensors)
            {
                w.WriteStartObject(name);
                w.WriteStartArray("shape");
                foreach (var s in t.Shape) w.WriteNumberValue(s);
                w.WriteEndArray();
                w.WriteStartArray("data");
                foreach (var x in t.Data)
                {
                    if (double.IsFinite(x)) w.WriteNumberValue(x);
                    else w.WriteStringValue(double.IsNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity");
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static double ReadNumber(JsonElement e, string name, int index)
    {
        string Where() => $"Tensor '{name}' value [{index}]";
        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
                double x = e.GetDouble();
                if (!double.IsFinite(x))
                    throw new ArgumentException(
                        $"{Where()} is {e.GetRawText()}: expected a float64 number (at most ±1.8e308), actual a number beyond that range.", "element");
                return x;
            case JsonValueKind.String:
                return e.GetString() switch
                {
                    "Infinity" => double.PositiveInfinity,
                    "-Infinity" => double.NegativeInfinity,
                    "NaN" => double.NaN,
                    var text => throw new ArgumentException(
                        $"{Where()} is \"{text}\": expected a number or \"Infinity\", \"-Infinity\", \"NaN\".", "element"),
                };
            default:
                throw new ArgumentException($"{Where()} is {e.ValueKind}: expected a number.", "element");
        }
    }

    /// <inheritdoc/>
    public StateTensor this[string key] => _tensors[key];
    /// <inheritdoc/>
    public IEnumerable<string> Keys => _tensors.Keys;
    /// <inheritdoc/>
    public IEnumerable<StateTensor> Values => _tensors.Values;
    /// <inheritdoc/>
    public int Count => _tensors.Count;
    /// <inheritdoc/>
    public bool ContainsKey(string key) => _tensors.ContainsKey(key);
    /// <inheritdoc/>
    public bool TryGetValue(string key, out StateTensor value) => _tensors.TryGetValue(key, out value!);
    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, StateTensor>> GetEnumerator() => _tensors.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Hands out the tensors under one prefix, checking each shape, and remembers which it handed out,
/// so that a whole load can reject tensors nobody asked for.
/// </summary>
internal sealed class StateDictReader
{
    private readonly StateDict _dict;
    private readonly HashSet<string> _used;
    public string Prefix { get; }

    public StateDictReader(StateDict dict, string prefix)
        : this(dict, prefix ?? "", new HashSet<string>(StringComparer.Ordinal)) { }

    private StateDictReader(StateDict dict, string prefix, HashSet<string> used)
    {
        _dict = dict;
        Prefix = prefix;
        _used = used;
    }

    public StateDictReader Child(string name) => new(_dict, Prefix + name + ".", _used);

    public Matrix<double> Matrix(string name, int rows, int columns) =>
        Take(name, [rows, columns]).ToMatrix();

    public Vector<double> Vector(string name, int length) => Take(name, [length]).ToVector();

    private StateTensor Take(string name, int[] shape)
    {
        var expected = $"({string.Join(", ", shape)})";
        var t = Get(name, expected);
        if (!t.Shape.SequenceEqual(shape))
            throw new ArgumentException(
                $"state_dict tensor '{Prefix + name}' has the wrong shape: expected {expected}, actual {t.ShapeText}.", "stateDict");
        _used.Add(Prefix + name);
        return t;
    }

    private StateTensor Get(string name, string expectedShape)
    {
        var key = Prefix + name;
        if (!_dict.TryGetValue(key, out var t))
            throw new ArgumentException($"state_dict is missing tensor '{key}': expected shape {expectedShape}, actual: absent.", "stateDict");
        return t;
    }

    /// <summary>Rejects every tensor under this reader's prefix that no layer read.</summary>
    public void RejectExtra()
    {
        var extra = _dict.Keys.Where(k => k.StartsWith(Prefix, StringComparison.Ordinal) && !_used.Contains(k)).Order().ToList();
        if (extra.Count > 0)
            throw new ArgumentException(
                $"state_dict has unexpected tensor{(extra.Count > 1 ? "s" : "")}: expected only the model's own tensors, actual also " +
                string.Join(", ", extra.Select(k => $"'{k}' {_dict[k].ShapeText}")) + ".", "stateDict");
    }
}
