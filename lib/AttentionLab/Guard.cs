using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>
/// The library's argument checks, in one place: every message names the argument, what was expected and
/// what it got; a shape or value error is an <see cref="ArgumentException"/> (null: <see cref="ArgumentNullException"/>).
/// </summary>
internal static class Guard
{
    public static string Of(Matrix<double> m) => $"{m.RowCount} × {m.ColumnCount}";

    public static void NotNull(object? value, string name)
    {
        if (value is null) throw new ArgumentNullException(name);
    }

    public static void Columns(Matrix<double> m, int columns, string name, string meaning = "")
    {
        NotNull(m, name);
        if (m.ColumnCount != columns)
            throw new ArgumentException(
                $"{name} must have {columns} columns{(meaning.Length > 0 ? $" ({meaning})" : "")}, expected n × {columns}, actual {Of(m)}.", name);
    }

    public static void NonEmpty(Matrix<double> m, string name)
    {
        NotNull(m, name);
        if (m.RowCount == 0)
            throw new ArgumentException($"{name} is an empty sequence: expected at least 1 row, actual {Of(m)}.", name);
    }

    public static void Exactly(Matrix<double> m, int rows, int columns, string name)
    {
        NotNull(m, name);
        if (m.RowCount != rows || m.ColumnCount != columns)
            throw new ArgumentException($"{name} has the wrong shape: expected {rows} × {columns}, actual {Of(m)}.", name);
    }

    public static void Length<T>(IReadOnlyList<T> list, int length, string name, string meaning = "")
    {
        NotNull(list, name);
        if (list.Count != length)
            throw new ArgumentException(
                $"{name} has the wrong length{(meaning.Length > 0 ? $" ({meaning})" : "")}: expected {length}, actual {list.Count}.", name);
    }

    public static void Positive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentException($"{name} must be positive: expected at least 1, actual {value}.", name);
    }

    /// <summary>
    /// A model configuration's sizes (<see cref="TransformerConfig"/>, <see cref="DecoderOnlyConfig"/>): every count
    /// positive, in the order given, then the heads dividing the model width. <paramref name="name"/> is the argument.
    /// </summary>
    public static void ModelSizes(string name, int modelWidth, int heads, params ReadOnlySpan<(string What, int Value)> counts)
    {
        foreach (var (what, value) in counts)
            if (value <= 0) throw new ArgumentException($"{name}.{what} must be positive: expected at least 1, actual {value}.", name);
        if (modelWidth % heads != 0)
            throw new ArgumentException(
                $"{name}.Heads must divide {name}.ModelWidth: expected a divisor of {modelWidth}, actual {heads}.", name);
    }

    /// <summary>A count that belongs to an argument, e.g. the number of keys in keyIsPad.</summary>
    public static void Positive(int count, string name, string what)
    {
        if (count <= 0)
            throw new ArgumentException($"{name} is empty: expected at least 1 {what.TrimEnd('s')}, actual 0 {what}.", name);
    }

    public static void InRange(int value, int min, int max, string name)
    {
        if (value < min || value > max)
            throw new ArgumentException($"{name} is out of range: expected {min} to {max}, actual {value}.", name);
    }

    public static void Index(int index, int count, string name)
    {
        if (index < 0 || index >= count)
            throw new ArgumentException($"{name} is out of range: expected 0 to {count - 1}, actual {index}.", name);
    }

    public static void Defined<TEnum>(TEnum value, string name) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
            throw new ArgumentException(
                $"{name} is not a {typeof(TEnum).Name}: expected one of {string.Join(", ", Enum.GetNames<TEnum>())}, actual {value}.", name);
    }

    /// <summary>A matrix with at least one row and one column.</summary>
    public static void NonEmptyMatrix(Matrix<double> m, string name)
    {
        NotNull(m, name);
        if (m.RowCount == 0 || m.ColumnCount == 0)
            throw new ArgumentException($"{name} is empty: expected at least 1 × 1, actual {Of(m)}.", name);
    }

    /// <summary>
    /// Every cell of <paramref name="m"/> is finite, else an error naming the first cell that is not. The check
    /// is one pass of four running sums of x · 0, which stay 0 unless some x is ±∞ or NaN.
    /// </summary>
    public static void Finite(Matrix<double> m, string name, string why)
    {
        NotNull(m, name);
        var data = m.AsColumnMajorArray() ?? m.ToColumnMajorArray();
        if (AllFinite(data)) return;
        int at = Array.FindIndex(data, x => !double.IsFinite(x));
        var value = Word(data[at]);
        throw new ArgumentException(
            $"{name}[{at % m.RowCount}, {at / m.RowCount}] is {value}: expected a finite number, actual {value}; {why}.", name);
    }

    /// <summary>A number as a message says it: NaN, +Infinity, -Infinity or the number.</summary>
    public static string Word(double x) =>
        double.IsNaN(x) ? "NaN" : double.IsPositiveInfinity(x) ? "+Infinity" : double.IsNegativeInfinity(x) ? "-Infinity"
        : x.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool AllFinite(double[] data)
    {
        var zero = System.Numerics.Vector<double>.Zero;
        System.Numerics.Vector<double> a = zero, b = zero, c = zero, d = zero;
        int i = 0, w = System.Numerics.Vector<double>.Count;
        for (; i + 4 * w <= data.Length; i += 4 * w)
        {
            a += new System.Numerics.Vector<double>(data, i) * zero;
            b += new System.Numerics.Vector<double>(data, i + w) * zero;
            c += new System.Numerics.Vector<double>(data, i + 2 * w) * zero;
            d += new System.Numerics.Vector<double>(data, i + 3 * w) * zero;
        }
        double rest = 0;
        for (; i < data.Length; i++) rest += data[i] * 0;
        return double.IsFinite(System.Numerics.Vector.Sum(a + b + c + d) + rest);
    }

    /// <summary>A <see cref="Mask"/> of exactly queries × keys, else an error naming it, expected and actual.</summary>
    public static void MaskShape(Mask mask, int queries, int keys, string name)
    {
        NotNull(mask, name);
        if (mask.Queries != queries || mask.Keys != keys)
            throw new ArgumentException(
                $"{name} must be queries × keys: expected {queries} × {keys}, actual {mask.Queries} × {mask.Keys}.", name);
    }

    /// <summary>A cell of an additive mask: a finite number or −∞ (+∞ and NaN have no meaning there).</summary>
    public static void FiniteOrMinusInfinity(double cell, string name, int row, int column, string? label = null)
    {
        if (double.IsNaN(cell) || double.IsPositiveInfinity(cell))
            throw new ArgumentException(
                $"{label ?? name}[{row}, {column}] is {Word(cell)}: expected a finite number or −∞ (an additive mask hides with −∞), actual {Word(cell)}.", name);
    }

    /// <summary>A matrix MathNet stores densely (its column-major array is what training updates in place).</summary>
    public static Matrix<double> Dense(Matrix<double> m, string name)
    {
        NotNull(m, name);
        return m.AsColumnMajorArray() is null ? throw NotDense(name, "matrix", m) : m;
    }

    /// <summary>A vector MathNet stores densely.</summary>
    public static Vector<double> Dense(Vector<double> v, string name)
    {
        NotNull(v, name);
        return v.AsArray() is null ? throw NotDense(name, "vector", v) : v;
    }

    private static ArgumentException NotDense(string name, string kind, object actual) =>
        new($"{name} must be a dense {kind} to be trained in place: expected a dense {kind}, actual {actual.GetType().Name}.", name);

    public static void NotAllPad(IReadOnlyList<bool> isPad, string name)
    {
        if (isPad.Count > 0 && isPad.All(p => p))
            throw new ArgumentException(
                $"{name} marks every position as PAD, so every query would attend to nothing: expected at least one real token, actual {isPad.Count} of {isPad.Count} PAD.", name);
    }
}
