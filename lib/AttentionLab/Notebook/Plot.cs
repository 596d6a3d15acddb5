using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using Plotly.NET;
using static AttentionLab.PlotMaskedCells;

namespace AttentionLab;

/// <summary>
/// One-line figures for the lessons. Every matrix is a heatmap: row = the query token (first
/// token at the top, like a printed matrix), column = the key token it looks at. Masked cells
/// (−∞) are drawn as crossed-out grey cells labelled −∞, NaN cells as pink cells labelled NaN.
/// A chart shows itself when it is the last expression of a notebook cell.
/// </summary>
public static class Plot
{
    private const string? DefaultColorScale = null; // the course's light-to-dark blue, see PlotMaskedCells.Blues
    private const double CharPx = 7.2; // width of one label character at the tick font size

    // Every chart this class makes is written as JSON when shown: quickly, once this has run (PlotlyJson says why).
    static Plot() => PlotlyJson.Register();

    /// <summary>A matrix as a heatmap with token labels: rows are queries, columns are keys (lesson 01 on).</summary>
    /// <param name="m">The matrix; −∞ and NaN cells are drawn, never left blank.</param>
    /// <param name="rows">One label per row (the query tokens).</param>
    /// <param name="cols">One label per column (the key tokens).</param>
    /// <param name="title">The figure's title.</param>
    /// <param name="colorScale">A Plotly colour scale name such as "Viridis" or "RdBu"; default: chosen from the data
    /// (blue–white–orange centred on 0 when there are negative values, light to dark blue from 0 when there are none,
    /// one flat colour per value for a few small integers, flat cells and "all exactly v" in the title for a constant matrix).</param>
    /// <param name="zmin">Value at the bottom of the colour scale; default: chosen from the data.</param>
    /// <param name="zmax">Value at the top of the colour scale; default: chosen from the data.</param>
    /// <param name="showValues">Print each value in its cell; default: when the cells are big enough.</param>
    /// <param name="decimals">Decimals of the printed values; default: 0 when every value is a whole number, else 2.</param>
    /// <param name="xTitle">Title of the column axis; default: from the labels ("key" for tokens × tokens, "feature" for d0, d1, ...).</param>
    /// <param name="yTitle">Title of the row axis; default: from the labels ("query" for tokens × tokens, "token" beside features).</param>
    public static GenericChart Heatmap(
        Matrix<double> m, IReadOnlyList<string> rows, IReadOnlyList<string> cols, string title = "",
        string? colorScale = DefaultColorScale, double? zmin = null, double? zmax = null, bool? showValues = null,
        int? decimals = null, string? xTitle = null, string? yTitle = null)
    {
        CheckShape(m, rows, cols);
        var (x, y) = AxisTitles(rows, cols, [m], xTitle, yTitle);
        return Single(m, rows, cols, title, Choose(m.Enumerate(), colorScale, zmin, zmax, showValues, decimals), x, y);
    }

    /// <summary>A matrix as a heatmap labelled with row and column indices (0, 1, 2, ...).</summary>
    public static GenericChart Heatmap(
        Matrix<double> m, string title = "", string? colorScale = DefaultColorScale, double? zmin = null,
        double? zmax = null, bool? showValues = null, int? decimals = null, string? xTitle = null, string? yTitle = null)
    {
        CheckNotEmpty(m, nameof(m));
        return Heatmap(m, Indices(m.RowCount), Indices(m.ColumnCount), title, colorScale, zmin, zmax, showValues, decimals, xTitle, yTitle);
    }

    /// <summary>An additive mask (0 = visible, −∞ = hidden): visible cells light, hidden cells crossed out (lessons 02–03).</summary>
    public static GenericChart Mask(Matrix<double> mask, IReadOnlyList<string> rows, IReadOnlyList<string> cols, string title = "mask")
    {
        CheckShape(mask, rows, cols);
        var (x, y) = AxisTitles(rows, cols, [mask], null, null);
        return Single(mask, rows, cols, title, MaskStyle, x, y);
    }

    /// <summary>An additive mask labelled with indices.</summary>
    public static GenericChart Mask(Matrix<double> mask, string title = "mask")
    {
        CheckNotEmpty(mask, nameof(mask));
        return Mask(mask, Indices(mask.RowCount), Indices(mask.ColumnCount), title);
    }

    /// <summary>
    /// Matrices side by side with shared token labels, each with its own title and colour scale,
    /// e.g. scores | mask | scores + mask | weights (lessons 02–03). A panel holding only 0 and −∞
    /// is drawn as a mask; a panel holding one value is drawn flat with "all exactly v" under its title.
    /// Axis titles come from the labels (tokens × tokens: key and query).
    /// </summary>
    public static GenericChart Side(string title, IReadOnlyList<string> rows, IReadOnlyList<string> cols,
        params (Matrix<double> m, string title)[] panels) =>
        Side(title, rows, cols, null, null, panels);

    /// <summary>
    /// Matrices side by side with their own axis titles, for matrices that are not query × key
    /// (e.g. positions × vocabulary logits, or tokens × model width).
    /// </summary>
    public static GenericChart Side(string title, IReadOnlyList<string> rows, IReadOnlyList<string> cols,
        string? xTitle, string? yTitle, params (Matrix<double> m, string title)[] panels)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Length == 0) throw new ArgumentException("Expected at least one panel, got 0.", nameof(panels));
        for (int k = 0; k < panels.Length; k++) CheckShape(panels[k].m, rows, cols, $"panels[{k}].m");
        (xTitle, yTitle) = AxisTitles(rows, cols, panels.Select(p => p.m), xTitle, yTitle);

        int r = rows.Count, c = cols.Count, k0 = panels.Length;
        int cell = CellSize(r, c, maxWidthPx: 960 / k0);
        int yLabelPx = LabelPx(rows), xLabelPx = XLabelPx(cols, cell);
        double panelPx = c * cell, gapPx = yLabelPx + 36, plotW = k0 * panelPx + (k0 - 1) * gapPx, plotH = r * cell;
        // Room under the axis title for the horizontal colour bars, when a panel has one.
        bool anyColorBar = panels.Any(p => !IsMask(p.m) && Choose(p.m.Enumerate(), null, null, null, null, null).Constant is null);
        var margin = new Margin(Left: yLabelPx + 50, Right: 30, Top: 100, Bottom: xLabelPx + 50 + (anyColorBar ? 34 : 0));

        var traces = new List<Trace>();
        var shapes = new List<Dictionary<string, object?>>();
        var annotations = new List<Dictionary<string, object?>>();
        var layout = BaseLayout(title, margin, plotW, plotH);
        for (int k = 0; k < k0; k++)
        {
            var (m, panelTitle) = panels[k];
            string xa = k == 0 ? "x" : $"x{k + 1}", ya = k == 0 ? "y" : $"y{k + 1}";
            double left = k * (panelPx + gapPx) / plotW, right = (k * (panelPx + gapPx) + panelPx) / plotW;
            bool asMask = IsMask(m);
            var colorBar = asMask ? null : new Dictionary<string, object?>
            {
                ["orientation"] = "h", ["x"] = (left + right) / 2, ["xanchor"] = "center",
                ["y"] = -(xLabelPx + 46) / plotH, ["yanchor"] = "top", ["len"] = right - left, ["thickness"] = 10,
            };
            var style = asMask ? MaskStyle : Choose(m.Enumerate(), null, null, null, null, null);
            if (style.Constant is not null) colorBar = null;
            var panel = Build(m, rows, cols, style, xa, ya, cell, colorBar);
            traces.AddRange(panel.Traces);
            shapes.AddRange(panel.Shapes);
            annotations.AddRange(panel.Annotations);
            annotations.Add(PanelTitle(panelTitle, (left + right) / 2, ConstantNote(m, style)));
            layout[k == 0 ? "xaxis" : $"xaxis{k + 1}"] = Axis(cols, c, k == 0 ? xTitle : "", reversed: false, anchor: ya, domain: [left, right], cell);
            layout[k == 0 ? "yaxis" : $"yaxis{k + 1}"] = Axis(rows, r, k == 0 ? yTitle : "", reversed: true, anchor: xa, domain: [0, 1], cell);
        }
        layout["shapes"] = shapes;
        layout["annotations"] = annotations;
        return Assemble(traces, layout);
    }

    /// <summary>Matrices side by side, labelled with indices.</summary>
    public static GenericChart Side(string title, params (Matrix<double> m, string title)[] panels)
    {
        ArgumentNullException.ThrowIfNull(panels);
        if (panels.Length == 0) throw new ArgumentException("Expected at least one panel, got 0.", nameof(panels));
        CheckNotEmpty(panels[0].m, "panels[0].m");
        return Side(title, Indices(panels[0].m.RowCount), Indices(panels[0].m.ColumnCount), panels);
    }

    /// <summary>
    /// A slider over matrices that may change size, e.g. the mask growing by one row and column per
    /// decoding step (lesson 07). Every step keeps its own labels, crosses and −∞ labels.
    /// </summary>
    public static GenericChart Steps(
        IReadOnlyList<(Matrix<double> m, IReadOnlyList<string> rows, IReadOnlyList<string> cols, string label)> steps,
        string title = "", string? colorScale = DefaultColorScale, double? zmin = null, double? zmax = null,
        string? xTitle = null, string? yTitle = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0) throw new ArgumentException("Expected at least one step, got 0.", nameof(steps));
        for (int s = 0; s < steps.Count; s++) CheckShape(steps[s].m, steps[s].rows, steps[s].cols, $"steps[{s}].m", $"steps[{s}].rows", $"steps[{s}].cols");

        // One colour scale for all steps, so a colour means the same value in every step.
        bool masks = steps.All(s => IsMask(s.m) || s.m.Enumerate().All(v => v == 0)) && steps.Any(s => IsMask(s.m));
        var style = masks ? MaskStyle : Choose(steps.SelectMany(s => s.m.Enumerate()), colorScale, zmin, zmax, null, null);
        var titles = AxisTitles(steps[^1].rows, steps[^1].cols, steps.Select(s => s.m), xTitle, yTitle);
        int last = steps.Count - 1;

        int r = steps.Max(s => s.m.RowCount), c = steps.Max(s => s.m.ColumnCount);
        int cell = CellSize(r, c, maxWidthPx: 560);
        var allRows = steps.SelectMany(s => s.rows).ToList();
        var allCols = steps.SelectMany(s => s.cols).ToList();
        int xLabelPx = XLabelPx(allCols, cell);
        var margin = new Margin(Left: LabelPx(allRows) + 50, Right: 110, Top: 70, Bottom: xLabelPx + 50 + 90);
        var layout = BaseLayout(title, margin, c * cell, r * cell);

        var traces = new List<Trace>();
        var owner = new List<int>(); // step of each trace
        var stepLayouts = new List<Dictionary<string, object?>>();
        for (int s = 0; s < steps.Count; s++)
        {
            var (m, rows, cols, _) = steps[s];
            var panel = Build(m, rows, cols, style, "x", "y", cell, masks || style.Constant is not null ? null : new Dictionary<string, object?> { ["thickness"] = 14 });
            foreach (var t in panel.Traces)
            {
                t.SetProperty("visible", s == last);
                traces.Add(t);
                owner.Add(s);
            }
            stepLayouts.Add(new()
            {
                ["shapes"] = panel.Shapes,
                ["annotations"] = panel.Annotations,
                ["xaxis.tickvals"] = Enumerable.Range(0, cols.Count).ToArray(),
                ["xaxis.ticktext"] = cols.Select(Escape).ToArray(),
                ["yaxis.tickvals"] = Enumerable.Range(0, rows.Count).ToArray(),
                ["yaxis.ticktext"] = rows.Select(Escape).ToArray(),
            });
        }
        // Fixed axes the size of the largest step: the matrix grows from the top-left corner.
        // The slider opens on the last step, the whole picture; the learner slides back to watch it grow.
        layout["xaxis"] = Axis(steps[last].cols, c, titles.x, reversed: false, anchor: "y", domain: null, cell);
        layout["yaxis"] = Axis(steps[last].rows, r, titles.y, reversed: true, anchor: "x", domain: null, cell);
        layout["shapes"] = stepLayouts[last]["shapes"];
        layout["annotations"] = stepLayouts[last]["annotations"];
        layout["sliders"] = new[]
        {
            new Dictionary<string, object?>
            {
                ["active"] = last,
                ["pad"] = new Dictionary<string, object?> { ["t"] = xLabelPx + 50 },
                ["currentvalue"] = new Dictionary<string, object?> { ["prefix"] = "", ["font"] = new Dictionary<string, object?> { ["size"] = 13 } },
                ["steps"] = Enumerable.Range(0, steps.Count).Select(s => new Dictionary<string, object?>
                {
                    ["label"] = Escape(steps[s].label),
                    ["method"] = "update",
                    ["args"] = new object[] { new Dictionary<string, object?> { ["visible"] = owner.Select(o => o == s).ToArray() }, stepLayouts[s] },
                }).ToArray(),
            },
        };
        return Assemble(traces, layout);
    }

    /// <summary>One vector (e.g. one row of attention weights) as a one-row heatmap.</summary>
    public static GenericChart Vector(IEnumerable<double> values, IReadOnlyList<string> labels, string title = "", string? colorScale = DefaultColorScale)
    {
        ArgumentNullException.ThrowIfNull(values);
        var m = Matrix<double>.Build.DenseOfRowArrays(values.ToArray());
        return Heatmap(m, [""], labels, title, colorScale, xTitle: "", yTitle: "");
    }

    /// <summary>Curves on one chart, e.g. training loss with and without the causal mask (lesson 08). x = 1, 2, 3, ...</summary>
    public static GenericChart Lines(string title, string xTitle, string yTitle, params (IReadOnlyList<double> y, string name)[] series)
    {
        ArgumentNullException.ThrowIfNull(series);
        int n = series.Length == 0 ? 0 : series.Max(s => s.y?.Count ?? 0);
        return Curves(title, xTitle, yTitle, Enumerable.Range(1, n).Select(i => (double)i).ToArray(), series, log: false, wholeSteps: n <= 12);
    }

    /// <summary>Curves on one chart against the given x values.</summary>
    public static GenericChart Lines(string title, string xTitle, string yTitle, IReadOnlyList<double> x, params (IReadOnlyList<double> y, string name)[] series) =>
        Curves(title, xTitle, yTitle, x, series, log: false);

    /// <summary>Curves on log–log axes, e.g. time or memory against n (lesson 11).</summary>
    public static GenericChart LogLog(string title, string xTitle, string yTitle, IReadOnlyList<double> x, params (IReadOnlyList<double> y, string name)[] series) =>
        Curves(title, xTitle, yTitle, x, series, log: true);

    /// <summary>One bar per token, e.g. each token's contribution or weight; −∞ and NaN are labelled, not dropped.</summary>
    public static GenericChart Bars(IReadOnlyList<double> values, IReadOnlyList<string> labels, string title = "", string yTitle = "", int? decimals = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(labels);
        if (values.Count == 0) throw new ArgumentException("Expected at least one value, got 0.", nameof(values));
        if (labels.Count != values.Count)
            throw new ArgumentException($"Expected {values.Count} labels (one per value), got {labels.Count}.", nameof(labels));

        var style = Choose(values, null, null, null, true, decimals);
        var bar = new Trace("bar");
        bar.SetProperty("x", Enumerable.Range(0, values.Count).ToArray());
        bar.SetProperty("y", values.Select(v => double.IsFinite(v) ? v : (double?)null).ToArray());
        bar.SetProperty("text", values.Select(v => double.IsFinite(v) ? Format(v, style) : "").ToArray());
        bar.SetProperty("textposition", "outside");
        bar.SetProperty("hovertext", values.Select((v, i) => $"{Escape(labels[i])}: {Format(v, style)}").ToArray());
        bar.SetProperty("hovertemplate", "%{hovertext}<extra></extra>");
        bar.SetProperty("marker", new Dictionary<string, object?> { ["color"] = "#4a7fb5" });

        // Each bar as wide as its label's longest word, labels wrapped at spaces and never turned.
        int slot = Math.Clamp((int)(labels.SelectMany(l => l.Split(' ')).Select(w => w.Length).DefaultIfEmpty(1).Max() * CharPx) + 16, 56, 160);
        int maxChars = Math.Max(4, (int)(slot / CharPx));
        var wrapped = labels.Select(l => WrapLabel(l, maxChars)).ToArray();
        int lines = wrapped.Max(w => w.Split("<br>").Length);
        int width = Math.Max(420, 120 + slot * values.Count);
        var layout = BaseLayout(title, new Margin(70, 30, 70, 16 * lines + 40), width - 100, 300);
        layout["xaxis"] = Axis(labels, values.Count, "", reversed: false, anchor: "y", domain: null);
        ((Dictionary<string, object?>)layout["xaxis"]!)["ticktext"] = wrapped;
        ((Dictionary<string, object?>)layout["xaxis"]!)["tickangle"] = 0;
        layout["yaxis"] = new Dictionary<string, object?> { ["title"] = Title(yTitle), ["zeroline"] = true, ["zerolinecolor"] = "#888", ["gridcolor"] = "#e5e5e5", ["automargin"] = true };
        layout["annotations"] = values.Select((v, i) => (v, i)).Where(p => !double.IsFinite(p.v)).Select(p => new Dictionary<string, object?>
        {
            ["x"] = p.i, ["y"] = 0, ["xref"] = "x", ["yref"] = "y", ["text"] = Format(p.v, style), ["showarrow"] = false,
            ["yanchor"] = "bottom", ["bgcolor"] = double.IsNaN(p.v) ? NaNFill : MaskedFill, ["font"] = new Dictionary<string, object?> { ["size"] = 12 },
        }).ToArray();
        return Assemble([bar], layout);
    }

    // ---- shared pieces -------------------------------------------------------------------

    private sealed record Margin(double Left, double Right, double Top, double Bottom);

    private static readonly Style MaskStyle = new(DefaultColorScale, null, null, true, 0, AsMask: true);

    /// <summary>
    /// The axis titles a caller did not give, from what the labels are: tokens × tokens (or any matrix with
    /// masked cells) is attention, "query" down and "key" across; labels such as d0, d1, ... are features,
    /// "position 0, position 1, ..." positions; plain indices are "row" and "column".
    /// </summary>
    private static (string x, string y) AxisTitles(IReadOnlyList<string> rows, IReadOnlyList<string> cols, IEnumerable<Matrix<double>> matrices, string? xTitle, string? yTitle)
    {
        if (xTitle is not null && yTitle is not null) return (xTitle, yTitle);
        string? rowKind = LabelKind(rows), colKind = LabelKind(cols);
        bool attention = matrices.Any(m => m.Enumerate().Any(double.IsNegativeInfinity))
                         || (rowKind is null && colKind is null)
                         || (rowKind == "position" && rows.SequenceEqual(cols));
        string x = attention ? "key" : colKind is null or "index" ? "column" : colKind;
        string y = attention ? "query" : rowKind switch
        {
            "index" => "row",
            null => colKind is "feature" or "unit" ? "token" : "row",
            _ => rowKind,
        };
        return (xTitle ?? x, yTitle ?? y);
    }

    /// <summary>"index" for 0, 1, 2, ...; "feature" for d0, d1, ...; "position" for "position 0", ...; null for tokens or anything else.</summary>
    private static string? LabelKind(IReadOnlyList<string> labels)
    {
        if (labels.Count == 0) return null;
        var parts = labels.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^([A-Za-z]*)\s*(\d+)$")).ToArray();
        if (!parts.All(p => p.Success)) return null;
        var word = parts[0].Groups[1].Value;
        if (!parts.All(p => p.Groups[1].Value == word)) return null;
        if (parts.Select(p => p.Groups[2].Value).Distinct().Count() != parts.Length) return null;
        return word switch
        {
            "" => "index",
            "d" or "dim" or "f" => "feature",
            "u" => "unit",
            "pos" or "p" => "position",
            "h" => "head",
            _ when word.Length == 1 => null,
            _ => word.ToLowerInvariant(),
        };
    }

    private static GenericChart Single(Matrix<double> m, IReadOnlyList<string> rows, IReadOnlyList<string> cols, string title, Style style, string xTitle, string yTitle)
    {
        int r = m.RowCount, c = m.ColumnCount;
        int cell = CellSize(r, c, maxWidthPx: 640);
        // A strip of one or two rows shows its values in the cells; a colour bar that short is unreadable.
        bool strip = r * cell < 150 && (style.ShowValues ?? cell >= 30);
        var colorBar = style.AsMask || strip ? null : new Dictionary<string, object?> { ["thickness"] = 14 };
        if (style.Constant is not null) colorBar = null;
        var panel = Build(m, rows, cols, style, "x", "y", cell, colorBar);
        var margin = new Margin(LabelPx(rows) + 50, colorBar is null ? 30 : 110, 70, XLabelPx(cols, cell) + 50);
        var note = ConstantNote(m, style);
        var layout = BaseLayout(string.IsNullOrEmpty(note) ? title : string.IsNullOrEmpty(title) ? note : $"{title} ({note})", margin, c * cell, r * cell);
        layout["xaxis"] = Axis(cols, c, xTitle, reversed: false, anchor: "y", domain: null, cell);
        layout["yaxis"] = Axis(rows, r, yTitle, reversed: true, anchor: "x", domain: null, cell);
        layout["shapes"] = panel.Shapes;
        layout["annotations"] = panel.Annotations;
        return Assemble(panel.Traces, layout);
    }

    private static GenericChart Curves(string title, string xTitle, string yTitle, IReadOnlyList<double> x, (IReadOnlyList<double> y, string name)[] series, bool log, bool wholeSteps = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(series);
        if (series.Length == 0) throw new ArgumentException("Expected at least one series, got 0.", nameof(series));
        for (int k = 0; k < series.Length; k++)
        {
            if (series[k].y is null) throw new ArgumentNullException($"series[{k}].y");
            if (series[k].y.Count != x.Count)
                throw new ArgumentException($"Expected series[{k}] ('{series[k].name}') to have {x.Count} values (one per x), got {series[k].y.Count}.", nameof(series));
        }
        var traces = series.Select(s =>
        {
            var t = new Trace("scatter");
            t.SetProperty("x", x.ToArray());
            t.SetProperty("y", s.y.Select(v => double.IsFinite(v) ? v : (double?)null).ToArray());
            t.SetProperty("name", Escape(s.name ?? ""));
            t.SetProperty("mode", log ? "lines+markers" : "lines");
            return t;
        }).ToList();
        var layout = BaseLayout(title, new Margin(80, 30, 70, 60), 620, 380);
        layout["showlegend"] = true;
        layout["xaxis"] = CurveAxis(xTitle, log);
        layout["yaxis"] = CurveAxis(yTitle, log);
        if (log)
        {
            // Labels at 1, 2 and 5 × 10^k only (Plotly's own labels 2, 3, ..., 9 of each decade crowd each other),
            // and only at powers of ten when the axis spans three decades or more.
            static object Ticks(IEnumerable<double> v)
            {
                var positive = v.Where(d => double.IsFinite(d) && d > 0).ToArray();
                return positive.Length >= 2 && Math.Log10(positive.Max() / positive.Min()) >= 3 ? 1 : "D2";
            }
            ((Dictionary<string, object?>)layout["xaxis"]!)["dtick"] = Ticks(x);
            ((Dictionary<string, object?>)layout["yaxis"]!)["dtick"] = Ticks(series.SelectMany(s => s.y));
        }
        if (wholeSteps) ((Dictionary<string, object?>)layout["xaxis"]!)["dtick"] = 1; // steps 1, 2, 3: no 1.5 tick
        return Assemble(traces, layout);
    }

    /// <summary>A label on lines of at most <paramref name="maxChars"/> characters, broken at spaces, as Plotly text.</summary>
    private static string WrapLabel(string label, int maxChars)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in (label ?? "").Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > maxChars)
            {
                lines.Add(line);
                line = word;
            }
            else line = line.Length == 0 ? word : line + " " + word;
        }
        lines.Add(line);
        return string.Join("<br>", lines.Select(Escape));
    }

    private static Dictionary<string, object?> CurveAxis(string title, bool log) => new()
    {
        ["title"] = Title(title), ["type"] = log ? "log" : "linear", ["gridcolor"] = "#e5e5e5",
        ["zeroline"] = false, ["linecolor"] = "#444", ["automargin"] = true,
    };

    private static Dictionary<string, object?> BaseLayout(string title, Margin margin, double plotW, double plotH) => new()
    {
        ["title"] = new Dictionary<string, object?> { ["text"] = Escape(title ?? ""), ["x"] = 0.5, ["xanchor"] = "center" },
        ["width"] = (int)Math.Ceiling(Math.Max(plotW + margin.Left + margin.Right, 320)),
        ["height"] = (int)Math.Ceiling(plotH + margin.Top + margin.Bottom),
        ["margin"] = new Dictionary<string, object?> { ["l"] = margin.Left, ["r"] = margin.Right, ["t"] = margin.Top, ["b"] = margin.Bottom },
        ["plot_bgcolor"] = "white",
        ["paper_bgcolor"] = "white",
        ["font"] = new Dictionary<string, object?> { ["family"] = "Arial, sans-serif", ["color"] = "#222" },
        ["hovermode"] = "closest",
        ["showlegend"] = false,
    };

    /// <summary>A numeric axis 0..n−1 whose tick text are the labels (equal labels stay separate).</summary>
    private static Dictionary<string, object?> Axis(IReadOnlyList<string> labels, int n, string title, bool reversed, string anchor, double[]? domain, int cell = 64)
    {
        var axis = new Dictionary<string, object?>
        {
            ["tickfont"] = new Dictionary<string, object?> { ["size"] = TickFontPx(cell) },
            ["tickmode"] = "array",
            ["tickvals"] = Enumerable.Range(0, labels.Count).ToArray(),
            ["ticktext"] = labels.Select(Escape).ToArray(),
            ["range"] = reversed ? new[] { n - 0.5, -0.5 } : new[] { -0.5, n - 0.5 },
            ["autorange"] = false,
            ["showgrid"] = false,
            ["zeroline"] = false,
            // Invisible tick marks keep the labels a few pixels off the cells.
            ["ticks"] = "outside",
            ["ticklen"] = 4,
            ["tickcolor"] = "rgba(0,0,0,0)",
            ["showline"] = false,
            ["automargin"] = true,
            ["anchor"] = anchor,
            ["title"] = Title(title),
        };
        if (domain is not null) axis["domain"] = domain;
        if (reversed) { axis["scaleanchor"] = anchor; axis["scaleratio"] = 1; axis["constrain"] = "domain"; }
        return axis;
    }

    private static Dictionary<string, object?> Title(string text) => new() { ["text"] = Escape(text ?? "") };

    private static Dictionary<string, object?> PanelTitle(string text, double x, string? note = null) => new()
    {
        ["text"] = Escape(text ?? "") + (note is null ? "" : $"<br><i>{Escape(note)}</i>"), ["x"] = x, ["y"] = 1, ["xref"] = "paper", ["yref"] = "paper",
        ["xanchor"] = "center", ["yanchor"] = "bottom", ["yshift"] = 8, ["showarrow"] = false,
        ["font"] = new Dictionary<string, object?> { ["size"] = 14 },
    };

    private static GenericChart Assemble(IEnumerable<Trace> traces, Dictionary<string, object?> properties)
    {
        var layout = new Layout();
        foreach (var (key, value) in properties) layout.SetProperty(key, value);
        var chart = GenericChart.ofTraceObjects(true, traces.ToList());
        // Plotly.NET leaves the page's charset empty; −∞ and → need UTF-8 in a standalone HTML file.
        var utf8 = DisplayOptions.setDocumentCharset("utf-8").Invoke(new DisplayOptions());
        return GenericChart.addDisplayOptions(utf8, GenericChart.addLayout(layout, chart));
    }

    private static bool IsMask(Matrix<double> m) =>
        m.Enumerate().All(v => v == 0 || double.IsNegativeInfinity(v)) && m.Enumerate().Any(double.IsNegativeInfinity);

    private static int CellSize(int r, int c, int maxWidthPx) =>
        Math.Clamp(Math.Min(480 / Math.Max(r, 1), maxWidthPx / Math.Max(c, 1)), 4, 64);

    private static int LabelPx(IEnumerable<string> labels) =>
        (int)(labels.Select(l => l.Length).DefaultIfEmpty(1).Max() * CharPx) + 8;

    /// <summary>
    /// Room under the plot for column labels, which Plotly turns when they do not fit a cell: measured at the
    /// axis' own font size (see <see cref="Axis"/>), about 0.5 em a character in Arial.
    /// </summary>
    private static int XLabelPx(IEnumerable<string> labels, int cell)
    {
        double font = TickFontPx(cell);
        double px = labels.Select(l => l.Length).DefaultIfEmpty(1).Max() * font * 0.5;
        return px <= cell ? 20 : (int)(px * 0.75) + 20;
    }

    private static double TickFontPx(int cell) => Math.Clamp(cell * 0.8, 8, 12);

    private static string[] Indices(int n) => Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private static void CheckNotEmpty(Matrix<double> m, string name)
    {
        ArgumentNullException.ThrowIfNull(m, name);
        if (m.RowCount == 0 || m.ColumnCount == 0)
            throw new ArgumentException($"Cannot plot an empty matrix ({m.RowCount} × {m.ColumnCount}): expected at least one row and one column.", name);
    }

    private static void CheckShape(Matrix<double> m, IReadOnlyList<string> rows, IReadOnlyList<string> cols, string name = "m", string rowsName = "rows", string colsName = "cols")
    {
        CheckNotEmpty(m, name);
        ArgumentNullException.ThrowIfNull(rows, rowsName);
        ArgumentNullException.ThrowIfNull(cols, colsName);
        if (rows.Count != m.RowCount)
            throw new ArgumentException($"Expected {m.RowCount} row labels (one per row of the {m.RowCount} × {m.ColumnCount} matrix {name}), got {rows.Count}.", rowsName);
        if (cols.Count != m.ColumnCount)
            throw new ArgumentException($"Expected {m.ColumnCount} column labels (one per column of the {m.RowCount} × {m.ColumnCount} matrix {name}), got {cols.Count}.", colsName);
        if (rows.Any(l => l is null)) throw new ArgumentException("Row labels must not be null.", rowsName);
        if (cols.Any(l => l is null)) throw new ArgumentException("Column labels must not be null.", colsName);
    }
}
