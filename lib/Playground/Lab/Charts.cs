using System.Text.Json;
using System.Text.Json.Serialization;
using MathNet.Numerics.LinearAlgebra;

namespace Playground.Lab;

/// <summary>
/// One figure for playground.js to draw into the element <paramref name="Id"/>: heatmaps side by side (each panel
/// named, e.g. "weights") or a block plan.
/// </summary>
public sealed record Chart(string Id, Panel[]? Panels = null, BlockChart? Blocks = null);

/// <summary>A named heatmap of a figure.</summary>
public sealed record Panel(string Id, Heatmap Heatmap);

/// <summary>
/// A matrix as playground.js draws it. JSON has no −∞ or NaN, so such a cell is null and its kind says
/// which it was: 0 finite, 1 −∞, 2 NaN, 3 +∞.
/// </summary>
public sealed record Heatmap(
    string Title, string[] Rows, string[] Cols, double?[][] Cells, int[][] Kinds,
    string XTitle = "key", string YTitle = "query", int Decimals = 2, bool AsMask = false, string? Note = null)
{
    /// <summary>The heatmap of <paramref name="m"/>, rows × columns labelled by the tokens.</summary>
    public static Heatmap Of(string title, Matrix<double> m, IReadOnlyList<string> rows, IReadOnlyList<string> cols,
        bool asMask = false, string xTitle = "key", string yTitle = "query")
    {
        var cells = new double?[m.RowCount][];
        var kinds = new int[m.RowCount][];
        for (int i = 0; i < m.RowCount; i++)
        {
            cells[i] = new double?[m.ColumnCount];
            kinds[i] = new int[m.ColumnCount];
            for (int j = 0; j < m.ColumnCount; j++)
            {
                double v = m[i, j];
                kinds[i][j] = double.IsNegativeInfinity(v) ? 1 : double.IsNaN(v) ? 2 : double.IsPositiveInfinity(v) ? 3 : 0;
                cells[i][j] = kinds[i][j] == 0 ? v : null;
            }
        }
        return new Heatmap(title, [.. rows], [.. cols], cells, kinds, xTitle, yTitle, AsMask: asMask);
    }
}

/// <summary>A block plan for playground.js: per query block and key block, "skipped", "partial" or "full".</summary>
public sealed record BlockChart(string Title, string[][] Work);

/// <summary>The charts as JSON, without reflection (the app is trimmed).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Chart[]))]
internal sealed partial class ChartJson : JsonSerializerContext
{
    public static string Write(IEnumerable<Chart> charts) => JsonSerializer.Serialize(charts.ToArray(), Default.ChartArray);
}
