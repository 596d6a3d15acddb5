using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab;

/// <summary>Argument checks shared by the layers: every message names the argument, the expected shape and the actual one.</summary>
internal static class Shapes
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

    public static void NotAllPad(IReadOnlyList<bool> isPad, string name)
    {
        if (isPad.Count > 0 && isPad.All(p => p))
            throw new ArgumentException(
                $"{name} marks every position as PAD, so every query would attend to nothing: expected at least one real token, actual {isPad.Count} of {isPad.Count} PAD.", name);
    }
}
