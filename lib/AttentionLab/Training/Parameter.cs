using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>
/// One trainable tensor of the model (lesson 08), held in place: a parameter of a layer is that layer's own
/// <see cref="Matrix{T}"/> or <see cref="Vector{T}"/> (e.g. <see cref="Linear.Weight"/>), so when
/// <see cref="Adam"/> updates it, the layer the lessons plot is the layer that changed.
/// </summary>
public sealed class Parameter
{
    /// <summary>The parameter's name, e.g. <c>decoder.layers.0.linear1.weight</c> (PyTorch's state_dict names).</summary>
    public string Name { get; }

    /// <summary>The shape: (rows, columns) for a matrix, (length) for a vector.</summary>
    public int[] Shape { get; }

    /// <summary>
    /// The numbers themselves, the tensor's own storage (not a copy): a matrix's column-major array (MathNet's
    /// dense layout, element (i, j) at <c>j * rows + i</c>), a vector's array. The optimiser updates them in place.
    /// </summary>
    public double[] Value { get; }

    /// <summary>The matrix this parameter is, if it is one.</summary>
    public Matrix<double>? Matrix { get; }

    /// <summary>The vector this parameter is, if it is one.</summary>
    public Vector<double>? Vector { get; }

    /// <summary>How many numbers the tensor holds.</summary>
    public int Count => Value.Length;

    /// <summary>A parameter over a plain array with the given shape (which it keeps, not copies).</summary>
    public Parameter(string name, int[] shape, double[] value)
    {
        Guard.NotNull(name, nameof(name));
        Guard.NotNull(shape, nameof(shape));
        Guard.NotNull(value, nameof(value));
        int count = shape.Aggregate(1, (a, b) => a * b);
        if (shape.Length == 0 || shape.Any(s => s < 1) || count != value.Length)
            throw new ArgumentException(
                $"value must hold one number per element of the shape: expected {count} for ({string.Join(", ", shape)}), actual {value.Length}.", nameof(value));
        Name = name;
        Shape = shape;
        Value = value;
    }

    /// <summary>A layer's matrix as a parameter: training changes this very matrix.</summary>
    public Parameter(string name, Matrix<double> matrix)
        : this(name, [Guard.Dense(matrix, nameof(matrix)).RowCount, matrix.ColumnCount], matrix.AsColumnMajorArray())
    {
        Matrix = matrix;
    }

    /// <summary>A layer's vector as a parameter: training changes this very vector.</summary>
    public Parameter(string name, Vector<double> vector)
        : this(name, [Guard.Dense(vector, nameof(vector)).Count], vector.AsArray())
    {
        Vector = vector;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({string.Join(", ", Shape)})";
}

/// <summary>
/// ∂loss/∂parameter for every parameter of a model, each kept in the parameter's own shape and layout.
/// Backward passes add into it, so several examples (or threads) can share or merge one.
/// </summary>
public sealed class Gradients
{
    // Keyed by the parameter's storage array: a layer's matrix and every Parameter made of it share it.
    private readonly Dictionary<double[], double[]> _gradients = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<double[], Matrix<double>> _matrices = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<double[], Vector<double>> _vectors = new(ReferenceEqualityComparer.Instance);

    /// <summary>The parameters this holds gradients for, in order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Zero gradients for the given parameters.</summary>
    public Gradients(IReadOnlyList<Parameter> parameters)
    {
        Guard.NotNull(parameters, nameof(parameters));
        Parameters = parameters;
        foreach (var p in parameters)
        {
            var g = new double[p.Count];
            if (!_gradients.TryAdd(p.Value, g))
                throw new ArgumentException($"parameters lists {p.Name} twice: expected each parameter once.", nameof(parameters));
            if (p.Matrix is { } m) _matrices[p.Value] = Matrix<double>.Build.Dense(m.RowCount, m.ColumnCount, g);
            if (p.Vector is not null) _vectors[p.Value] = Vector<double>.Build.Dense(g);
        }
    }

    /// <summary>The gradient of one parameter, in the same layout as its <see cref="Parameter.Value"/>.</summary>
    public double[] this[Parameter parameter]
    {
        get
        {
            Guard.NotNull(parameter, nameof(parameter));
            return _gradients.TryGetValue(parameter.Value, out var g) ? g : throw NotKept(parameter.Name, nameof(parameter));
        }
    }

    /// <summary>The gradient of the parameter with this name.</summary>
    public double[] this[string name] => this[Parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"No parameter is named \"{name}\": expected one of the {Parameters.Count} parameters' names.", nameof(name))];

    /// <summary>∂loss/∂weight for a layer's matrix (e.g. <c>Of(layer.Weight)</c>): a matrix of its shape.</summary>
    public Matrix<double> Of(Matrix<double> weight)
    {
        Guard.NotNull(weight, nameof(weight));
        var key = weight.AsColumnMajorArray();
        return key is not null && _matrices.TryGetValue(key, out var g) ? g : throw NotKept($"this {Guard.Of(weight)} matrix", nameof(weight));
    }

    /// <summary>∂loss/∂weight for a layer's vector (e.g. <c>Of(norm.Bias)</c>): a vector of its length.</summary>
    public Vector<double> Of(Vector<double> weight)
    {
        Guard.NotNull(weight, nameof(weight));
        var key = weight.AsArray();
        return key is not null && _vectors.TryGetValue(key, out var g) ? g : throw NotKept($"this vector of {weight.Count}", nameof(weight));
    }

    /// <summary>The gradient array of a layer's matrix, column-major like the matrix (for the backward passes).</summary>
    internal double[] Storage(Matrix<double> weight) => Of(weight).AsColumnMajorArray();

    /// <summary>The gradient array of a layer's vector.</summary>
    internal double[] Storage(Vector<double> weight) => Of(weight).AsArray();

    private ArgumentException NotKept(string what, string name) =>
        new($"No gradient is kept for {what}: expected one of these {Parameters.Count} parameters, actual another tensor.", name);

    /// <summary>Sets every gradient to zero (PyTorch's zero_grad).</summary>
    public void Clear()
    {
        foreach (var g in _gradients.Values) Array.Clear(g);
    }

    /// <summary>Adds another set of gradients for the same parameters, e.g. one thread's share of a batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(Gradients other)
    {
        Guard.NotNull(other, nameof(other));
        foreach (var p in Parameters)
        {
            var into = this[p];
            var from = other[p];
            for (int i = 0; i < into.Length; i++) into[i] += from[i];
        }
    }

    /// <summary>The Euclidean norm of all gradients together, e.g. to watch training.</summary>
    public double Norm()
    {
        double sum = 0;
        foreach (var g in _gradients.Values)
            foreach (var x in g) sum += x * x;
        return Math.Sqrt(sum);
    }
}
