using System.Runtime.CompilerServices;

namespace AttentionLab;

/// <summary>
/// One trainable tensor of the model (lesson 08): its PyTorch name, its shape and its values, flat and
/// row-major, so that element (i, j) of a rows × columns weight is <c>Value[i * columns + j]</c>.
/// </summary>
public sealed class Parameter
{
    /// <summary>The name PyTorch's state_dict gives this tensor, e.g. <c>decoder.layers.0.self_attn.in_proj_weight</c>.</summary>
    public string Name { get; }

    /// <summary>The shape: (rows, columns) for a matrix, (length) for a vector.</summary>
    public int[] Shape { get; }

    /// <summary>The values, flat and row-major; the optimiser updates them in place.</summary>
    public double[] Value { get; }

    /// <summary>How many numbers the tensor holds.</summary>
    public int Count => Value.Length;

    /// <summary>A parameter with the given name, shape and values (which it keeps, not copies).</summary>
    public Parameter(string name, int[] shape, double[] value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(value);
        int count = shape.Aggregate(1, (a, b) => a * b);
        if (shape.Length == 0 || shape.Any(s => s < 1) || count != value.Length)
            throw new ArgumentException(
                $"value must hold one number per element of the shape: expected {count} for ({string.Join(", ", shape)}), actual {value.Length}.", nameof(value));
        Name = name;
        Shape = shape;
        Value = value;
    }

    /// <summary>The tensor as a state_dict entry (a copy).</summary>
    public StateTensor ToStateTensor() => new((int[])Shape.Clone(), (double[])Value.Clone());

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({string.Join(", ", Shape)})";
}

/// <summary>
/// ∂loss/∂parameter for every parameter of a model: one array per parameter, the same shape as its
/// values. Backward passes add into it, so several examples (or threads) can share or merge one.
/// </summary>
public sealed class Gradients
{
    private readonly Dictionary<Parameter, double[]> _gradients;

    /// <summary>The parameters this holds gradients for, in order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Zero gradients for the given parameters.</summary>
    public Gradients(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        _gradients = new Dictionary<Parameter, double[]>(ReferenceEqualityComparer.Instance);
        foreach (var p in parameters)
            if (!_gradients.TryAdd(p, new double[p.Count]))
                throw new ArgumentException($"parameters lists {p.Name} twice: expected each parameter once.", nameof(parameters));
    }

    /// <summary>The gradient of one parameter, flat and row-major like its values.</summary>
    public double[] this[Parameter parameter] =>
        _gradients.TryGetValue(parameter, out var g)
            ? g
            : throw new ArgumentException($"No gradient is kept for {parameter.Name}: it is not one of these {Parameters.Count} parameters.", nameof(parameter));

    /// <summary>The gradient of the parameter with this PyTorch name.</summary>
    public double[] this[string name] => this[Parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"No parameter is named \"{name}\".", nameof(name))];

    /// <summary>Sets every gradient to zero (PyTorch's zero_grad).</summary>
    public void Clear()
    {
        foreach (var g in _gradients.Values) Array.Clear(g);
    }

    /// <summary>Adds another set of gradients for the same parameters, e.g. one thread's share of a batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(Gradients other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var p in Parameters)
        {
            var into = _gradients[p];
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
