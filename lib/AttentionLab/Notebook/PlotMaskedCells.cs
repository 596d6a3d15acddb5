using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using Plotly.NET;

namespace AttentionLab;

/// <summary>How one matrix becomes the pieces of a Plotly heatmap panel.</summary>
/// <remarks>
/// plotly.js leaves a gap wherever z is not a number, so a −∞ (masked) or NaN cell would simply
/// vanish. We never leave that to chance: finite values go into the coloured heatmap, and every
/// non-finite cell is drawn by a second, flat-coloured heatmap (grey for −∞, pink for NaN), a
/// cross (two diagonals) over each −∞ cell, and a label (−∞, +∞, NaN). Non-finite values are
/// never part of the colour scale.
/// Axes are numeric (0, 1, 2, ...) with the tokens as tick text, so two equal tokens such as
/// two &lt;pad&gt; stay two rows or columns (Plotly would merge equal category names).
/// </remarks>
internal static class PlotMaskedCells
{
    internal const string MaskedFill = "#d4d4d4";
    internal const string CrossColor = "#808080";
    internal const string NaNFill = "#f4c2c2";
    internal const string PlusInfinityFill = "#e4d4f0";
    internal const string MaskVisibleFill = "#f3f7fb";
    /// <summary>Light (low) to dark blue (high); Plotly's own "Blues" runs the other way and ends in grey, too close to a masked cell.</summary>
    internal static readonly object[][] Blues =
    [
        [0.0, "#f7fbff"], [0.125, "#deebf7"], [0.25, "#c6dbef"], [0.375, "#9ecae1"], [0.5, "#6baed6"],
        [0.625, "#4292c6"], [0.75, "#2171b5"], [0.875, "#08519c"], [1.0, "#08306b"],
    ];
    internal const string MinusInfinityLabel = "−∞";
    internal const string PlusInfinityLabel = "+∞";
    internal const string NaNLabel = "NaN";

    /// <summary>The pieces of one heatmap panel: traces plus layout shapes and annotations.</summary>
    internal sealed class Panel
    {
        public List<Trace> Traces { get; } = [];
        public List<Dictionary<string, object?>> Shapes { get; } = [];
        public List<Dictionary<string, object?>> Annotations { get; } = [];
    }

    internal sealed record Style(
        string? ColorScale, double? ZMin, double? ZMax, bool? ShowValues, int Decimals, bool AsMask);

    /// <summary>Builds the panel of <paramref name="m"/> on the axes <paramref name="xAxis"/>/<paramref name="yAxis"/> ("x", "x2", ...).</summary>
    internal static Panel Build(
        Matrix<double> m, IReadOnlyList<string> rows, IReadOnlyList<string> cols, Style style,
        string xAxis, string yAxis, int cellPx, Dictionary<string, object?>? colorBar)
    {
        int r = m.RowCount, c = m.ColumnCount;
        var panel = new Panel();
        bool showValues = style.ShowValues ?? cellPx >= 30;
        bool drawCross = cellPx >= 16; // smaller cells: the grey fill alone reads better than a mesh of crosses
        bool labelSpecial = cellPx >= 20;
        double fontSize = Math.Clamp(cellPx * 0.26, 8, 13);

        var z = new double?[r][];
        var text = new string[r][];
        var hover = new string[r][];
        var special = new double?[r][];
        bool anySpecial = false;
        for (int i = 0; i < r; i++)
        {
            z[i] = new double?[c];
            text[i] = new string[c];
            hover[i] = new string[c];
            special[i] = new double?[c];
            for (int j = 0; j < c; j++)
            {
                double v = m[i, j];
                string shown = Format(v, style);
                hover[i][j] = $"{Escape(rows[i])} → {Escape(cols[j])}: {shown}";
                if (double.IsFinite(v))
                {
                    z[i][j] = style.AsMask ? 0 : v;
                    text[i][j] = shown;
                    continue;
                }
                anySpecial = true;
                text[i][j] = "";
                special[i][j] = double.IsNaN(v) ? 0 : double.IsNegativeInfinity(v) ? 1 : 2;
                if (double.IsNegativeInfinity(v) && drawCross) panel.Shapes.Add(Cross(i, j, xAxis, yAxis));
                if (labelSpecial) panel.Annotations.Add(CellLabel(i, j, shown, xAxis, yAxis, fontSize, special[i][j]!.Value));
            }
        }

        var main = Heatmap(r, c, xAxis, yAxis);
        main.SetProperty("z", z);
        main.SetProperty("hovertext", hover);
        main.SetProperty("text", text);
        if (showValues)
        {
            main.SetProperty("texttemplate", "%{text}");
            main.SetProperty("textfont", new Dictionary<string, object?> { ["size"] = fontSize });
        }
        if (style.AsMask)
        {
            main.SetProperty("colorscale", new object[] { new object[] { 0, MaskVisibleFill }, new object[] { 1, MaskVisibleFill } });
            main.SetProperty("zmin", 0);
            main.SetProperty("zmax", 1);
            main.SetProperty("showscale", false);
        }
        else
        {
            main.SetProperty("colorscale", style.ColorScale ?? (object)Blues);
            if (style.ZMin is double lo) main.SetProperty("zmin", lo);
            if (style.ZMax is double hi) main.SetProperty("zmax", hi);
            main.SetProperty("showscale", colorBar is not null);
            if (colorBar is not null) main.SetProperty("colorbar", colorBar);
        }
        panel.Traces.Add(main);

        if (anySpecial)
        {
            // Flat colours by kind: 0 = NaN, 1 = −∞, 2 = +∞. Its own trace, so never in the colour scale.
            var cells = Heatmap(r, c, xAxis, yAxis);
            cells.SetProperty("name", "not a finite number");
            cells.SetProperty("z", special);
            cells.SetProperty("hovertext", hover);
            cells.SetProperty("zmin", 0);
            cells.SetProperty("zmax", 2);
            cells.SetProperty("colorscale", new object[]
            {
                new object[] { 0, NaNFill }, new object[] { 0.5, MaskedFill }, new object[] { 1, PlusInfinityFill },
            });
            cells.SetProperty("showscale", false);
            panel.Traces.Add(cells);
        }
        return panel;
    }

    /// <summary>Text for Plotly, which reads labels as a small HTML subset: &lt;pad&gt; must stay visible.</summary>
    internal static string Escape(string s) =>
        s.Replace("&", "&amp;", StringComparison.Ordinal)
         .Replace("<", "&lt;", StringComparison.Ordinal)
         .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>A cell's value as printed in the figure: −∞, +∞, NaN, or the rounded number.</summary>
    internal static string Format(double v, Style style)
    {
        if (double.IsNegativeInfinity(v)) return MinusInfinityLabel;
        if (double.IsPositiveInfinity(v)) return PlusInfinityLabel;
        if (double.IsNaN(v)) return NaNLabel;
        if (style.AsMask) return v.ToString("G4", CultureInfo.InvariantCulture);
        string s = Math.Round(v, style.Decimals).ToString("F" + style.Decimals, CultureInfo.InvariantCulture);
        return s.TrimStart('-').All(ch => ch is '0' or '.') ? s.TrimStart('-') : s; // no "-0.00"
    }

    private static Trace Heatmap(int r, int c, string xAxis, string yAxis)
    {
        var t = new Trace("heatmap");
        t.SetProperty("x", Enumerable.Range(0, c).ToArray());
        t.SetProperty("y", Enumerable.Range(0, r).ToArray());
        t.SetProperty("xgap", 1);
        t.SetProperty("ygap", 1);
        t.SetProperty("hoverongaps", false);
        t.SetProperty("hovertemplate", "%{hovertext}<extra></extra>");
        t.SetProperty("xaxis", xAxis);
        t.SetProperty("yaxis", yAxis);
        return t;
    }

    private static Dictionary<string, object?> Cross(int i, int j, string xAxis, string yAxis)
    {
        const double inset = 0.12;
        double x0 = j - 0.5 + inset, x1 = j + 0.5 - inset, y0 = i - 0.5 + inset, y1 = i + 0.5 - inset;
        string p(double a) => a.ToString("0.###", CultureInfo.InvariantCulture);
        return new()
        {
            ["type"] = "path",
            ["xref"] = xAxis,
            ["yref"] = yAxis,
            ["path"] = $"M {p(x0)},{p(y0)} L {p(x1)},{p(y1)} M {p(x1)},{p(y0)} L {p(x0)},{p(y1)}",
            ["line"] = new Dictionary<string, object?> { ["color"] = CrossColor, ["width"] = 1.2 },
            ["layer"] = "above",
            ["name"] = "masked",
        };
    }

    private static Dictionary<string, object?> CellLabel(int i, int j, string label, string xAxis, string yAxis, double fontSize, double kind) => new()
    {
        ["x"] = j,
        ["y"] = i,
        ["xref"] = xAxis,
        ["yref"] = yAxis,
        ["text"] = label,
        ["showarrow"] = false,
        ["font"] = new Dictionary<string, object?> { ["size"] = fontSize, ["color"] = kind == 0 ? "#8b1a1a" : "#404040" },
        // Drawn on a patch of the cell's own colour, so the label reads cleanly over the cross.
        ["bgcolor"] = kind == 0 ? NaNFill : kind == 1 ? MaskedFill : PlusInfinityFill,
        ["borderpad"] = 1,
    };
}
