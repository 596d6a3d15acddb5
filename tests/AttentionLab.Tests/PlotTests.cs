using System.Text.Json;
using CsCheck;
using MathNet.Numerics.LinearAlgebra;
using Plotly.NET;

namespace AttentionLab.Tests;

public class PlotTests
{
    private const double Inf = double.NegativeInfinity;
    private static readonly string[] Target = ["<s>", "g", "f", "h", "<pad>", "<pad>"];

    private static Matrix<double> Causal(int n) => Matrix<double>.Build.Dense(n, n, (i, j) => j > i ? Inf : 0);

    private static Matrix<double> Scores(int r, int c) => Matrix<double>.Build.Dense(r, c, (i, j) => Math.Sin(1 + i + 2 * j));

    /// <summary>The figure as plotly.js receives it. System.Text.Json rejects NaN and ±Infinity, so parsing also proves none leaked.</summary>
    private static JsonElement Figure(GenericChart chart) => JsonDocument.Parse(GenericChart.toFigureJson(chart)).RootElement;

    private static JsonElement[] Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().ToArray() : [];

    private static JsonElement[] Crosses(JsonElement layout, string xref = "x") =>
        Array(layout, "shapes").Where(s => s.GetProperty("type").GetString() == "path" && s.GetProperty("xref").GetString() == xref).ToArray();

    private static JsonElement[] Labels(JsonElement layout, string text, string xref = "x") =>
        Array(layout, "annotations").Where(a => a.GetProperty("text").GetString() == text && a.GetProperty("xref").GetString() == xref).ToArray();

    private static (int x, int y) Cell(JsonElement annotation) => (annotation.GetProperty("x").GetInt32(), annotation.GetProperty("y").GetInt32());

    [Fact]
    public void Every_masked_cell_is_drawn_crossed_out_with_a_minus_infinity_label()
    {
        var m = Scores(6, 6) + Causal(6);
        var figure = Figure(Plot.Heatmap(m, Target, Target, "scores + mask"));
        var layout = figure.GetProperty("layout");

        var expected = Enumerable.Range(0, 6).SelectMany(i => Enumerable.Range(0, 6).Where(j => j > i).Select(j => (x: j, y: i))).ToHashSet();
        Assert.Equal(expected.Count, Crosses(layout).Length);
        Assert.Equal(expected, Labels(layout, "−∞").Select(Cell).ToHashSet());

        // The grey fill: a second heatmap with a value at exactly the masked cells, no colour bar.
        var data = figure.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(2, data.Length);
        var special = data[1].GetProperty("z").EnumerateArray().Select(row => row.EnumerateArray().ToArray()).ToArray();
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                Assert.Equal(expected.Contains((j, i)), special[i][j].ValueKind == JsonValueKind.Number);
        Assert.False(data[1].GetProperty("showscale").GetBoolean());
    }

    [Fact]
    public void Masked_cells_stay_out_of_the_colour_scale()
    {
        var m = Scores(4, 4) + Causal(4);
        var main = Figure(Plot.Heatmap(m, "masked")).GetProperty("data")[0];
        var z = main.GetProperty("z").EnumerateArray().SelectMany(r => r.EnumerateArray()).ToArray();
        Assert.Equal(6, z.Count(v => v.ValueKind == JsonValueKind.Null));
        Assert.All(z.Where(v => v.ValueKind != JsonValueKind.Null), v => Assert.True(double.IsFinite(v.GetDouble())));
    }

    [Fact]
    public void NaN_cells_are_drawn_and_labelled_NaN()
    {
        var m = Scores(3, 3);
        m[1, 2] = double.NaN;
        var layout = Figure(Plot.Heatmap(m, ["a", "b", "c"], ["a", "b", "c"], "poisoned")).GetProperty("layout");
        Assert.Equal([(2, 1)], Labels(layout, "NaN").Select(Cell));
        Assert.Empty(Crosses(layout)); // a cross means "masked"; NaN is something else
    }

    [Fact]
    public void Duplicate_tokens_stay_separate_rows_and_columns()
    {
        var figure = Figure(Plot.Heatmap(Scores(6, 6), Target, Target, "two pads"));
        var layout = figure.GetProperty("layout");
        foreach (var axis in new[] { "xaxis", "yaxis" })
        {
            var a = layout.GetProperty(axis);
            Assert.Equal([0, 1, 2, 3, 4, 5], a.GetProperty("tickvals").EnumerateArray().Select(v => v.GetInt32()));
            Assert.Equal(Target.Select(t => t.Replace("<", "&lt;").Replace(">", "&gt;")), a.GetProperty("ticktext").EnumerateArray().Select(v => v.GetString()));
        }
        Assert.Equal(6, figure.GetProperty("data")[0].GetProperty("z").GetArrayLength());
    }

    [Fact]
    public void First_query_is_the_top_row_and_first_key_the_left_column()
    {
        var layout = Figure(Plot.Heatmap(Scores(3, 4), "shape")).GetProperty("layout");
        var y = layout.GetProperty("yaxis").GetProperty("range").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var x = layout.GetProperty("xaxis").GetProperty("range").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal([2.5, -0.5], y); // reversed: row 0 at the top
        Assert.Equal([-0.5, 3.5], x);
    }

    [Fact]
    public void Labels_and_titles_are_shown_as_text_not_markup()
    {
        string[] rows = ["<script>alert(1)</script>", "a & b"];
        string[] cols = ["</s>", "<pad>"];
        var chart = Plot.Heatmap(Scores(2, 2), rows, cols, "<b>not bold</b>");
        var layout = Figure(chart).GetProperty("layout");
        Assert.Equal(["&lt;script&gt;alert(1)&lt;/script&gt;", "a &amp; b"], layout.GetProperty("yaxis").GetProperty("ticktext").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["&lt;/s&gt;", "&lt;pad&gt;"], layout.GetProperty("xaxis").GetProperty("ticktext").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("&lt;b&gt;not bold&lt;/b&gt;", layout.GetProperty("title").GetProperty("text").GetString());

        string html = GenericChart.toChartHTML(chart);
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("</s>", html);
        Assert.DoesNotContain("<pad>", html);
    }

    [Fact]
    public void Values_are_printed_rounded_in_small_matrices()
    {
        var m = Matrix<double>.Build.DenseOfArray(new[,] { { 0.123456, -0.0001 }, { 1, Inf } });
        var main = Figure(Plot.Heatmap(m, "values")).GetProperty("data")[0];
        Assert.Equal("%{text}", main.GetProperty("texttemplate").GetString());
        var text = main.GetProperty("text").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetString()).ToArray()).ToArray();
        Assert.Equal(new string?[] { "0.12", "0.00" }, text[0]);
        Assert.Equal(new string?[] { "1.00", "" }, text[1]); // the −∞ cell carries its label as an annotation instead
    }

    [Fact]
    public void Wrong_number_of_labels_names_the_argument_and_both_counts()
    {
        var m = Scores(3, 4);
        var rows = Assert.Throws<ArgumentException>(() => Plot.Heatmap(m, ["a", "b"], ["a", "b", "c", "d"], "t"));
        Assert.Equal("rows", rows.ParamName);
        Assert.Contains("Expected 3", rows.Message);
        Assert.Contains("got 2", rows.Message);

        var cols = Assert.Throws<ArgumentException>(() => Plot.Mask(m, ["a", "b", "c"], ["a"], "t"));
        Assert.Equal("cols", cols.ParamName);
        Assert.Contains("Expected 4", cols.Message);
        Assert.Contains("got 1", cols.Message);

        var side = Assert.Throws<ArgumentException>(() => Plot.Side("t", ["a", "b", "c"], ["a", "b", "c", "d"], (m, "ok"), (Scores(3, 3), "too narrow")));
        Assert.Equal("cols", side.ParamName);
        Assert.Contains("panels[1].m", side.Message);
    }

    [Fact]
    public void Empty_matrix_is_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => Plot.Heatmap(Matrix<double>.Build.Dense(0, 3), "empty"));
        Assert.Equal("m", e.ParamName);
        Assert.Contains("empty matrix (0 × 3)", e.Message);
        Assert.Throws<ArgumentException>(() => Plot.Steps([], "no steps"));
    }

    [Fact]
    public void Side_draws_masked_cells_in_every_panel()
    {
        var scores = Scores(6, 6);
        var mask = Causal(6);
        var figure = Figure(Plot.Side("causal", Target, Target, (scores, "scores"), (mask, "mask"), (scores + mask, "scores + mask")));
        var layout = figure.GetProperty("layout");
        Assert.Empty(Crosses(layout, "x"));
        Assert.Equal(15, Crosses(layout, "x2").Length);
        Assert.Equal(15, Crosses(layout, "x3").Length);
        Assert.Equal(15, Labels(layout, "−∞", "x2").Length);
        // Panel titles, and the mask panel drawn as a mask: its visible cells say 0, no colour bar.
        Assert.Equal(["scores", "mask", "scores + mask"], Array(layout, "annotations").Where(a => a.GetProperty("xref").GetString() == "paper").Select(a => a.GetProperty("text").GetString()));
        var maskTrace = figure.GetProperty("data").EnumerateArray().First(t => t.GetProperty("xaxis").GetString() == "x2");
        Assert.False(maskTrace.GetProperty("showscale").GetBoolean());
        Assert.Equal("0", maskTrace.GetProperty("text")[1][0].GetString());
        // Panels side by side, not overlapping.
        var domains = new[] { "xaxis", "xaxis2", "xaxis3" }.Select(a => layout.GetProperty(a).GetProperty("domain").EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        Assert.True(domains[0][1] < domains[1][0] && domains[1][1] < domains[2][0]);
    }

    [Fact]
    public void Axis_titles_say_query_and_key_unless_told_otherwise()
    {
        string Title(JsonElement layout, string axis) => layout.GetProperty(axis).GetProperty("title").GetProperty("text").GetString()!;
        var scores = Scores(2, 3);
        var standard = Figure(Plot.Side("t", ["a", "b"], ["x", "y", "z"], (scores, "s"))).GetProperty("layout");
        Assert.Equal(("key", "query"), (Title(standard, "xaxis"), Title(standard, "yaxis")));
        var logits = Figure(Plot.Side("t", ["a", "b"], ["x", "y", "z"], "vocabulary", "position", (scores, "s"))).GetProperty("layout");
        Assert.Equal(("vocabulary", "position"), (Title(logits, "xaxis"), Title(logits, "yaxis")));
        var steps = Figure(Plot.Steps([(scores, ["a", "b"], ["x", "y", "z"], "step 0")], xTitle: "component", yTitle: "position")).GetProperty("layout");
        Assert.Equal(("component", "position"), (Title(steps, "xaxis"), Title(steps, "yaxis")));
    }

    [Fact]
    public void Steps_slider_has_one_step_per_matrix_and_each_step_brings_its_own_crosses()
    {
        var steps = Enumerable.Range(0, 4)
            .Select(t => (Scores(t + 1, t + 1) + Causal(t + 1), (IReadOnlyList<string>)Target[..(t + 1)], (IReadOnlyList<string>)Target[..(t + 1)], $"step {t}"))
            .ToList();
        var figure = Figure(Plot.Steps(steps, "decoding"));
        var data = figure.GetProperty("data").EnumerateArray().ToArray();
        var slider = figure.GetProperty("layout").GetProperty("sliders")[0];
        var sliderSteps = slider.GetProperty("steps").EnumerateArray().ToArray();
        Assert.Equal(4, sliderSteps.Length);
        Assert.Equal(3, slider.GetProperty("active").GetInt32());

        for (int t = 0; t < 4; t++)
        {
            var step = sliderSteps[t];
            Assert.Equal("update", step.GetProperty("method").GetString());
            Assert.Equal($"step {t}", step.GetProperty("label").GetString());
            var visible = step.GetProperty("args")[0].GetProperty("visible").EnumerateArray().Select(v => v.GetBoolean()).ToArray();
            Assert.Equal(data.Length, visible.Length);
            var shown = data.Where((_, k) => visible[k]).ToArray();
            Assert.Equal(t + 1, shown[0].GetProperty("z").GetArrayLength());

            var stepLayout = step.GetProperty("args")[1];
            int masked = t * (t + 1) / 2;
            Assert.Equal(masked, Crosses(stepLayout).Length);
            Assert.Equal(masked, Labels(stepLayout, "−∞").Length);
            Assert.Equal(t + 1, stepLayout.GetProperty("xaxis.ticktext").GetArrayLength());
        }
        // What is drawn before the slider moves is the last step, the whole picture.
        Assert.Equal(sliderSteps[3].GetProperty("args")[1].GetProperty("shapes").GetArrayLength(), Array(figure.GetProperty("layout"), "shapes").Length);
        var lastVisible = sliderSteps[3].GetProperty("args")[0].GetProperty("visible").EnumerateArray().Select(v => v.GetBoolean()).ToArray();
        Assert.All(data, (trace, k) => Assert.Equal(lastVisible[k], trace.GetProperty("visible").GetBoolean()));
    }

    /// <summary>Random matrices up to 8 × 8 whose cells are −∞ (kind 0), NaN (1), +∞ (2) or finite.</summary>
    private static readonly Gen<(int R, int C, int[] Kinds)> NonFiniteCells =
        from r in Gen.Int[1, 8]
        from c in Gen.Int[1, 8]
        from kinds in Gen.Int[0, 5].Array[r * c]
        select (r, c, kinds);

    private static Matrix<double> WithKinds(int r, int c, int[] kinds) =>
        Matrix<double>.Build.Dense(r, c, (i, j) => kinds[i * c + j] switch { 0 => Inf, 1 => double.NaN, 2 => double.PositiveInfinity, var k => k - 3.5 });

    [Fact]
    public void Crosses_and_labels_match_the_non_finite_cells_of_any_matrix()
    {
        // The property where it is decided: the panel builder every heatmap goes through, 100 random matrices.
        NonFiniteCells.Sample(t =>
        {
            var (r, c, kinds) = t;
            var labels = Enumerable.Range(0, Math.Max(r, c)).Select(i => $"t{i}").ToArray();
            var panel = PlotMaskedCells.Build(WithKinds(r, c, kinds), labels[..r], labels[..c],
                new PlotMaskedCells.Style(null, null, null, null, 2, AsMask: false), "x", "y", cellPx: 40, colorBar: null);
            string?[] texts = [.. panel.Annotations.Select(a => a["text"] as string)];
            Assert.Equal(kinds.Count(k => k == 0), panel.Shapes.Count(s => s["type"] as string == "path"));
            Assert.Equal(kinds.Count(k => k == 0), texts.Count(x => x == "−∞"));
            Assert.Equal(kinds.Count(k => k == 1), texts.Count(x => x == "NaN"));
            Assert.Equal(kinds.Count(k => k == 2), texts.Count(x => x == "+∞"));
        }, iter: 100);
    }

    [Fact]
    public void Crosses_and_labels_of_non_finite_cells_survive_the_export_to_plotly_json()
    {
        // The same property through Plot.Heatmap and Plotly.NET's JSON export (slow: a handful of matrices).
        NonFiniteCells.Sample(t =>
        {
            var (r, c, kinds) = t;
            var layout = Figure(Plot.Heatmap(WithKinds(r, c, kinds), "random")).GetProperty("layout");
            Assert.Equal(kinds.Count(k => k == 0), Crosses(layout).Length);
            Assert.Equal(kinds.Count(k => k == 0), Labels(layout, "−∞").Length);
            Assert.Equal(kinds.Count(k => k == 1), Labels(layout, "NaN").Length);
            Assert.Equal(kinds.Count(k => k == 2), Labels(layout, "+∞").Length);
        }, iter: 5);
    }

    [Fact]
    public void Lines_draws_one_curve_per_series_and_rejects_ragged_series()
    {
        var figure = Figure(Plot.Lines("loss", "step", "loss", (new double[] { 3, 2, 1 }, "causal"), (new double[] { 3, 1, 0.1 }, "<no mask>")));
        var data = figure.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(2, data.Length);
        Assert.Equal([1.0, 2, 3], data[0].GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal("&lt;no mask&gt;", data[1].GetProperty("name").GetString());

        var e = Assert.Throws<ArgumentException>(() => Plot.Lines("t", "x", "y", new double[] { 1, 2, 3 }, (new double[] { 1, 2 }, "short")));
        Assert.Equal("series", e.ParamName);
        Assert.Contains("got 2", e.Message);

        var log = Figure(Plot.LogLog("time", "n", "ms", new double[] { 64, 128 }, (new double[] { 1, 4 }, "dense"))).GetProperty("layout");
        Assert.Equal("log", log.GetProperty("xaxis").GetProperty("type").GetString());
        Assert.Equal("log", log.GetProperty("yaxis").GetProperty("type").GetString());
    }

    [Fact]
    public void Bars_label_masked_and_NaN_values_instead_of_dropping_them()
    {
        var figure = Figure(Plot.Bars([0.5, Inf, double.NaN], ["<s>", "<pad>", "<pad>"], "weights"));
        var layout = figure.GetProperty("layout");
        Assert.Equal([(1, 0)], Labels(layout, "−∞").Select(Cell));
        Assert.Equal([(2, 0)], Labels(layout, "NaN").Select(Cell));
        Assert.Equal(3, layout.GetProperty("xaxis").GetProperty("ticktext").GetArrayLength());
        Assert.Throws<ArgumentException>(() => Plot.Bars([1, 2], ["one"], "t"));
    }

    [Fact]
    public void Ready_names_the_versions_and_leaves_the_FSharp_Core_redirect_in_place()
    {
        string ready = Course.Ready();
        Assert.StartsWith("AttentionLab ", ready);
        Assert.Contains("MathNet.Numerics 5.0.0", ready);
        Assert.Contains("Plotly.NET 6.0.0", ready);
        Assert.True(FSharpCoreRedirect.IsRegistered);
    }

    // ---- honest colours: the scale follows the data ------------------------------------------

    private static JsonElement MainTrace(GenericChart chart) => Figure(chart).GetProperty("data")[0];

    private static string[] ScaleColours(JsonElement trace) =>
        trace.GetProperty("colorscale").EnumerateArray().Select(stop => stop[1].GetString()!).ToArray();

    [Fact]
    public void Signed_data_gets_a_diverging_scale_centred_on_zero()
    {
        var m = Matrix<double>.Build.DenseOfArray(new[,] { { -2.5, 0.0 }, { 1.0, 0.3 } });
        var main = MainTrace(Plot.Heatmap(m, ["a", "b"], ["a", "b"], "scores"));

        double lo = main.GetProperty("zmin").GetDouble(), hi = main.GetProperty("zmax").GetDouble();
        Assert.Equal(0, (lo + hi) / 2, 12);           // 0 sits in the middle of the scale
        Assert.Equal(-2.5, lo);
        var colours = ScaleColours(main);
        Assert.NotEqual(colours[0], colours[^1]);
        Assert.Equal("#f7f7f7", colours[colours.Length / 2]); // and 0 is the near-white middle: −2.5 and 0 never look alike
    }

    [Fact]
    public void Non_negative_data_gets_a_sequential_scale_from_zero()
    {
        var weights = Matrix<double>.Build.DenseOfArray(new[,] { { 0.6, 0.4 }, { 0.5, 0.5 } });
        var main = MainTrace(Plot.Heatmap(weights, ["a", "b"], ["a", "b"], "weights"));

        Assert.Equal(0, main.GetProperty("zmin").GetDouble());
        Assert.Equal(0.6, main.GetProperty("zmax").GetDouble());
        Assert.Equal("#f7fbff", ScaleColours(main)[0]);
    }

    [Fact]
    public void A_constant_panel_is_drawn_flat_and_its_title_says_all_exactly_zero()
    {
        var zeros = Matrix<double>.Build.Dense(3, 4);
        var single = Figure(Plot.Heatmap(zeros, ["a", "b", "c"], ["d0", "d1", "d2", "d3"], "how far it moved"));
        Assert.Equal("how far it moved (all exactly 0)", single.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        Assert.False(single.GetProperty("data")[0].GetProperty("showscale").GetBoolean());
        Assert.Single(ScaleColours(single.GetProperty("data")[0]).Distinct());

        var side = Figure(Plot.Side("moved", ["a", "b", "c"], ["d0", "d1", "d2", "d3"], (Scores(3, 4), "before"), (zeros, "difference"))).GetProperty("layout");
        var titles = Array(side, "annotations").Select(a => a.GetProperty("text").GetString()!).ToArray();
        Assert.Contains("difference<br><i>all exactly 0</i>", titles);
        Assert.Contains("before", titles);
    }

    [Fact]
    public void Whole_numbers_are_printed_without_decimals()
    {
        var ids = Matrix<double>.Build.DenseOfArray(new double[,] { { 4, 7, 9, 0, 12, 3, 5 } });
        var main = MainTrace(Plot.Heatmap(ids, ["ids"], ["p0", "p1", "p2", "p3", "p4", "p5", "p6"], "token ids"));
        Assert.Equal(["4", "7", "9", "0", "12", "3", "5"], main.GetProperty("text")[0].EnumerateArray().Select(t => t.GetString()));
        var bars = Figure(Plot.Bars([3, 5], ["short", "long"], "count")).GetProperty("data")[0];
        Assert.Equal(["3", "5"], bars.GetProperty("text").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public void A_few_small_integers_get_one_colour_each_and_a_labelled_legend()
    {
        var flags = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 0, 0 }, { 1, 1, 0 }, { 1, 1, 1 } });
        var main = MainTrace(Plot.Heatmap(flags, ["q0", "q1", "q2"], ["k0", "k1", "k2"], "computed (1) or skipped (0)", showValues: true));

        Assert.Equal([1.0, 0, 0, 1, 1, 0, 1, 1, 1], main.GetProperty("z").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())));
        Assert.Equal(2, ScaleColours(main).Distinct().Count());
        Assert.Equal(["0", "1"], main.GetProperty("colorbar").GetProperty("ticktext").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public void Axis_titles_follow_what_the_labels_are()
    {
        string Title(GenericChart chart, string axis) => Figure(chart).GetProperty("layout").GetProperty(axis).GetProperty("title").GetProperty("text").GetString()!;
        var x = Scores(3, 4);
        Assert.Equal(("feature", "token"), (Title(Plot.Heatmap(x, ["a", "b", "c"], ["d0", "d1", "d2", "d3"]), "xaxis"), Title(Plot.Heatmap(x, ["a", "b", "c"], ["d0", "d1", "d2", "d3"]), "yaxis")));
        var indexed = Plot.Heatmap(x);
        Assert.Equal(("column", "row"), (Title(indexed, "xaxis"), Title(indexed, "yaxis")));
        var masked = Plot.Heatmap(Scores(3, 3) + Causal(3));
        Assert.Equal(("key", "query"), (Title(masked, "xaxis"), Title(masked, "yaxis")));
        var given = Plot.Heatmap(x, ["a", "b", "c"], ["d0", "d1", "d2", "d3"], yTitle: "position");
        Assert.Equal(("feature", "position"), (Title(given, "xaxis"), Title(given, "yaxis")));
    }

    [Fact]
    public void Bar_labels_wrap_at_spaces_and_are_never_turned()
    {
        var xaxis = Figure(Plot.Bars([1.5, 2.5], ["recompute the prefix", "key/value cache"], "time")).GetProperty("layout").GetProperty("xaxis");
        Assert.Equal(0, xaxis.GetProperty("tickangle").GetInt32());
        var ticks = xaxis.GetProperty("ticktext").EnumerateArray().Select(t => t.GetString()!).ToArray();
        Assert.Equal("recompute the prefix", ticks[0].Replace("<br>", " "));
        Assert.Contains("<br>", ticks[0]);
    }

    [Fact]
    public void Log_axes_label_few_ticks_and_only_powers_of_ten_over_many_decades()
    {
        double[] n = [32, 64, 128, 256];
        var layout = Figure(Plot.LogLog("time", "n", "ms", n, (n.Select(v => v * v * v * v / 1000).ToArray(), "dense"))).GetProperty("layout");
        Assert.Equal("D2", layout.GetProperty("xaxis").GetProperty("dtick").GetString()); // under a decade: 50, 100, 200
        Assert.Equal(1, layout.GetProperty("yaxis").GetProperty("dtick").GetInt32());      // 1049 .. 4.3e6: 10⁴, 10⁵, 10⁶
    }
}
