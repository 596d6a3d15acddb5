using Newtonsoft.Json;

namespace AttentionLab;

/// <summary>
/// Makes Plotly.NET's charts quick to turn into JSON, the step behind every chart a notebook shows.
/// </summary>
/// <remarks>
/// Plotly.NET writes a chart with Newtonsoft.Json. Before Newtonsoft.Json writes an object, it looks for that
/// object among the objects it is inside of, to find reference loops, and by default it compares them with
/// <see cref="object.Equals(object)"/>. Plotly.NET's objects (DynamicObj) compare by their whole content, so that
/// check hashes the chart's template again and again: 90–140 ms for a 7 × 7 heatmap or a three-point line on this
/// course's machines, nearly all of it in that check. Comparing by reference, the setting Newtonsoft.Json offers
/// for this (<see cref="JsonSerializerSettings.EqualityComparer"/>), finds every real loop and writes the same JSON
/// in about 2 ms (PlotTests checks the JSON is the same). The setting is added to
/// <see cref="JsonConvert.DefaultSettings"/>, keeping whatever else those settings say, because Plotly.NET's own
/// settings are not reachable.
/// </remarks>
internal static class PlotlyJson
{
    private static int registered;

    /// <summary>Compares by reference in Newtonsoft.Json's loop check from now on (once per process).</summary>
    internal static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1)
        {
            return;
        }

        var previous = JsonConvert.DefaultSettings;
        JsonConvert.DefaultSettings = () =>
        {
            var settings = previous?.Invoke() ?? new JsonSerializerSettings();
            settings.EqualityComparer ??= ReferenceEqualityComparer.Instance;
            return settings;
        };
    }
}
