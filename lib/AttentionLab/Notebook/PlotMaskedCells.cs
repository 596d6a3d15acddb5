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

    /// <summary>Blue (negative) through near-white (0) to orange (positive), for signed data: −2.5 and 0 never look alike.
    /// Orange rather than red, so that a light positive cell is never mistaken for a pink NaN cell.</summary>
    internal static readonly object[][] Diverging =
    [
        [0.0, "#2166ac"], [0.15, "#4393c3"], [0.3, "#92c5de"], [0.45, "#e3eef5"], [0.5, "#f7f7f7"],
        [0.55, "#fbe9d3"], [0.7, "#fdb863"], [0.85, "#e08214"], [1.0, "#b35806"],
    ];

    /// <summary>Distinct colours for a few categories (0/1 flags, 1 = PAD / 2 = token): light blue, dark blue, then hues far from grey and pink.</summary>
    internal static readonly string[] CategoryColors = ["#c6dbef", "#2171b5", "#fdae6b", "#31a354", "#756bb1", "#e6550d"];

    /// <summary>How a matrix's finite values are coloured and printed.</summary>
    /// <param name="ColorScale">A Plotly colour scale name or stops.</param>
    /// <param name="ZMin">The value at the bottom of the scale, or null for Plotly's own.</param>
    /// <param name="ZMax">The value at the top of the scale, or null for Plotly's own.</param>
    /// <param name="ShowValues">Print each value in its cell; null: when the cells are big enough.</param>
    /// <param name="Decimals">Decimals of the printed values.</param>
    /// <param name="AsMask">An additive mask: visible cells flat and light, no colour scale.</param>
    internal sealed record Style(
        object? ColorScale, double? ZMin, double? ZMax, bool? ShowValues, int Decimals, bool AsMask)
    {
        /// <summary>The value every finite cell holds, when they all hold the same one: drawn flat, said in the title.</summary>
        public double? Constant { get; init; }

        /// <summary>The few integer values of categorical data, in order: one flat colour each.</summary>
        public double[]? Categories { get; init; }

        /// <summary>Every finite value is a whole number: printed and ticked without decimals.</summary>
        public bool Integers { get; init; }
    }

    /// <summary>
    /// Chooses the colouring from the data, unless the caller did: a diverging scale centred on 0
    /// when there are negative values, a sequential scale from 0 when there are none, flat cells when
    /// every value is the same, discrete colours for a few small integers; integers without decimals.
    /// </summary>
    internal static Style Choose(IEnumerable<double> values, object? colorScale, double? zmin, double? zmax, bool? showValues, int? decimals)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return new Style(colorScale ?? Blues, zmin, zmax, showValues, decimals ?? 2, false);
        double lo = finite.Min(), hi = finite.Max();
        bool integers = finite.All(v => Math.Abs(v) < 1e15 && v == Math.Round(v));
        int places = decimals ?? (integers ? 0 : 2);
        if (colorScale is not null || zmin is not null || zmax is not null)
        {
            var scale = colorScale ?? (lo < 0 && zmin is null ? Diverging : Blues);
            return new Style(scale, zmin, zmax, showValues, places, false) { Integers = integers };
        }
        if (lo == hi) return new Style(Blues, null, null, showValues, places, false) { Constant = lo, Integers = integers };
        var distinct = finite.Distinct().Order().ToArray();
        if (integers && distinct.Length <= CategoryColors.Length && hi - lo <= 8)
            return new Style(null, null, null, showValues, places, false) { Categories = distinct, Integers = true };
        if (lo < 0)
        {
            double reach = Math.Max(-lo, Math.Max(hi, 0));
            return new Style(Diverging, -reach, reach, showValues, places, false) { Integers = integers };
        }
        return new Style(Blues, 0, hi, showValues, places, false) { Integers = integers };
    }

    /// <summary>What a constant panel's title adds: "all exactly 0", or "every finite cell exactly 0.25" beside −∞ or NaN cells.</summary>
    internal static string? ConstantNote(Matrix<double> m, Style style) =>
        style.Constant is not double v
            ? null
            : (m.Enumerate().All(double.IsFinite) ? "all exactly " : "every finite cell exactly ")
              + (v == 0 ? "0" : v.ToString(CultureInfo.InvariantCulture));

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
        if (style.AsMask || style.Constant is not null)
        {
            // A mask's visible cells, or a matrix that holds one value: nothing to scale, drawn flat.
            for (int i = 0; i < r; i++)
                for (int j = 0; j < c; j++)
                    if (z[i][j] is not null) z[i][j] = 0;
            main.SetProperty("colorscale", new object[] { new object[] { 0, MaskVisibleFill }, new object[] { 1, MaskVisibleFill } });
            main.SetProperty("zmin", 0);
            main.SetProperty("zmax", 1);
            main.SetProperty("showscale", false);
        }
        else if (style.Categories is { } categories)
        {
            // One flat colour per value; the colour bar is the legend, one labelled band per value.
            int k = categories.Length;
            for (int i = 0; i < r; i++)
                for (int j = 0; j < c; j++)
                    if (z[i][j] is double v) z[i][j] = Array.IndexOf(categories, v);
            var stops = new List<object>();
            for (int q = 0; q < k; q++)
            {
                stops.Add(new object[] { (double)q / k, CategoryColors[q] });
                stops.Add(new object[] { (double)(q + 1) / k, CategoryColors[q] });
            }
            main.SetProperty("colorscale", stops);
            main.SetProperty("zmin", -0.5);
            main.SetProperty("zmax", k - 0.5);
            main.SetProperty("showscale", colorBar is not null);
            if (colorBar is not null)
            {
                var legend = new Dictionary<string, object?>(colorBar)
                {
                    ["tickmode"] = "array",
                    ["tickvals"] = Enumerable.Range(0, k).ToArray(),
                    ["ticktext"] = categories.Select(v => Format(v, style)).ToArray(),
                    ["ticks"] = "",
                };
                main.SetProperty("colorbar", legend);
            }
        }
        else
        {
            main.SetProperty("colorscale", style.ColorScale ?? Blues);
            if (style.ZMin is double lo) main.SetProperty("zmin", lo);
            if (style.ZMax is double hi) main.SetProperty("zmax", hi);
            main.SetProperty("showscale", colorBar is not null);
            if (colorBar is not null)
            {
                var bar = new Dictionary<string, object?>(colorBar);
                if (style.Integers) bar["tickformat"] = "d"; // token ids and counts: 4, never 4.00 or 4.5
                if (style.Integers && style.ZMin is double a && style.ZMax is double b && b - a <= 10)
                {
                    bar["tick0"] = 0;
                    bar["dtick"] = 1;
                }
                main.SetProperty("colorbar", bar);
            }
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
