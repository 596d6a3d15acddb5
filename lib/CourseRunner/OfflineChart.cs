using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CourseRunner;

/// <summary>
/// Makes a chart produced by Plotly.NET.Interactive's formatter draw from the book's local plotly.js.
/// The formatter's HTML loads require.js and plotly.js from CDNs; the book replaces that script with
/// a plain <c>bookChart(id, data, layout, config)</c> call on the same div (book.js, then Plotly.newPlot). The figure's data,
/// layout and config must parse as JSON: they are re-serialised with HTML-sensitive characters
/// escaped, so text inside a chart (a title, a label) can never close the script element.
/// </summary>
internal static partial class OfflineChart
{
    /// <summary>Rewrites every Plotly.NET chart in <paramref name="html"/>; false when it holds none.</summary>
    public static bool TryRewrite(string html, [NotNullWhen(true)] out string? rewritten)
    {
        var changed = false;
        rewritten = ChartScript().Replace(html, match =>
        {
            var script = match.Value;
            var target = NewPlotTarget().Match(script);
            var parts = new Dictionary<string, string>();
            foreach (Match variable in FigureVariable().Matches(script))
            {
                if (SafeJson(variable.Groups["json"].Value) is { } json)
                {
                    parts[variable.Groups["name"].Value] = json;
                }
            }

            if (!target.Success || !parts.ContainsKey("data") || !parts.ContainsKey("layout"))
            {
                return script;
            }

            changed = true;
            var id = JsonSerializer.Serialize(target.Groups["id"].Value, ScriptSafe);
            return "<script>" + DrawFunction + "(" + id + ", " + parts["data"] + ", " + parts["layout"] + ", "
                   + parts.GetValueOrDefault("config", "{}") + ");</script>";
        });

        return changed;
    }

    /// <summary>
    /// The book script's function that draws a chart (book.js): Plotly.newPlot, with the figure fitted to the
    /// text column (side-by-side panels stacked on a narrow window, long titles wrapped), no Plotly logo, and
    /// the toolbar shown only on hover.
    /// </summary>
    public const string DrawFunction = "bookChart";

    /// <summary>True when <paramref name="html"/> looks like Plotly.NET chart output.</summary>
    public static bool IsChart(string html) => ChartScript().IsMatch(html);

    private static readonly JsonSerializerOptions ScriptSafe = new() { Encoder = JavaScriptEncoder.Default };

    private static string? SafeJson(string text)
    {
        try
        {
            return JsonNode.Parse(text) is { } node ? node.ToJsonString(ScriptSafe) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"<script type=""text/javascript"">\s*var renderPlotly_\w+ = function\(\).*?</script>", RegexOptions.Singleline)]
    private static partial Regex ChartScript();

    [GeneratedRegex(@"Plotly\.newPlot\('(?<id>[^']+)', data, layout(, config)?\);")]
    private static partial Regex NewPlotTarget();

    [GeneratedRegex(@"^\s*var (?<name>data|layout|config) = (?<json>.*);\s*$", RegexOptions.Multiline)]
    private static partial Regex FigureVariable();
}
