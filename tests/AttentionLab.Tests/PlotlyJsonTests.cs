using MathNet.Numerics.LinearAlgebra;
using Newtonsoft.Json;
using Plotly.NET;

namespace AttentionLab.Tests;

/// <summary>
/// Charts are written as JSON with Newtonsoft.Json's loop check comparing by reference (<see cref="PlotlyJson"/>):
/// the JSON is the same as with Newtonsoft.Json's default comparison, only quicker.
/// </summary>
public class PlotlyJsonTests
{
    private static readonly string[] Tokens = ["<s>", "g", "f", "<pad>"];

    public static TheoryData<string> Charts() => new(Made.Keys);

    private static readonly Dictionary<string, Func<GenericChart>> Made = new()
    {
        ["heatmap with masked and NaN cells"] = () => Plot.Heatmap(
            Matrix<double>.Build.Dense(4, 4, (i, j) => j > i ? double.NegativeInfinity : i == 3 && j == 0 ? double.NaN : i - j),
            Tokens, Tokens, "scores + mask"),
        ["side by side"] = () => Plot.Side("three panels",
            (Matrix<double>.Build.Dense(3, 3, (i, j) => i * j), "a"),
            (Matrix<double>.Build.Dense(3, 3, (i, j) => -i), "b"),
            (Matrix<double>.Build.Dense(3, 3, (i, j) => j > i ? double.NegativeInfinity : 0), "c")),
        ["mask"] = () => Plot.Mask(Masks.Causal(4), Tokens, Tokens),
        ["lines"] = () => Plot.Lines("loss", "step", "loss", [1.0, 2.0, 3.0], ([0.9, 0.5, 0.2], "train"), ([1.0, 0.7, 0.4], "held out")),
        ["log-log"] = () => Plot.LogLog("time", "n", "ms", [16.0, 64.0, 256.0], ([0.1, 1.2, 19.0], "readable")),
        ["bars"] = () => Plot.Bars([0.25, 0.5, 0.25], ["a", "b", "c"], "weights", "weight"),
    };

    private static string Write(object value, System.Collections.IEqualityComparer? comparer)
    {
        // Plotly.NET's own settings (loops written as they are), with or without the comparison by reference.
        var serializer = JsonSerializer.Create(new JsonSerializerSettings
        {
            ReferenceLoopHandling = ReferenceLoopHandling.Serialize,
            EqualityComparer = comparer,
        });
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        serializer.Serialize(text, value);
        return text.ToString();
    }

    [Theory]
    [MemberData(nameof(Charts))]
    public void A_chart_is_written_as_the_same_json_whichever_way_objects_are_compared(string chart)
    {
        var figure = GenericChart.toFigure(Made[chart]());

        var byContent = Write(figure, comparer: null);

        Assert.Equal(byContent, Write(figure, System.Collections.Generic.ReferenceEqualityComparer.Instance));
        Assert.Equal(byContent, GenericChart.toFigureJson(Made[chart]()));
    }

    [Fact]
    public void Making_a_chart_sets_the_comparison_by_reference_and_keeps_the_other_default_settings()
    {
        _ = Plot.Bars([1.0], ["a"]);

        var settings = JsonConvert.DefaultSettings?.Invoke();

        Assert.NotNull(settings);
        Assert.Same(System.Collections.Generic.ReferenceEqualityComparer.Instance, settings.EqualityComparer);
        Assert.Equal(new JsonSerializerSettings().ReferenceLoopHandling, settings.ReferenceLoopHandling);
    }
}
