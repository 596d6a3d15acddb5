using System.Text;
using System.Text.RegularExpressions;

namespace CourseRunner;

/// <summary>
/// A lesson page's "Try it live" link: the playground (served beside the book under playground/) opened on the
/// page that fits the lesson, with the lesson's Try-it inputs in the query string, the values of its "Try it"
/// cell (tagged "parameters") with any injected with --parameters on top. Lessons are matched by their name
/// without its number ("padding-mask" for 02-padding-mask), so renumbering the lessons changes nothing here;
/// a lesson not listed opens the masks page. The playground links back with the page's name (lesson=...).
/// </summary>
public static partial class PlaygroundLink
{
    /// <summary>The playground's folder, relative to the book's.</summary>
    public const string Folder = SiteServer.PlaygroundPath + "/";

    /// <summary>Which playground page a lesson opens, and which of its Try-it values go to which query parameter.</summary>
    private sealed record Target(string View, (string Query, string Variable)[] Inputs, (string Query, string Value)[]? Fixed = null);

    private static readonly Dictionary<string, Target> Lessons = new(StringComparer.Ordinal)
    {
        ["attention-scores"] = new("masks", [("source", "sentence")], [("attention", "encoder"), ("masks", "none")]),
        ["padding-mask"] = new("masks", [("source", "sentence"), ("maxLength", "maxLength"), ("pad", "padSide")], [("attention", "encoder"), ("masks", "padding")]),
        ["causal-and-combined-masks"] = new("masks", [("target", "target"), ("maxLength", "maxLength"), ("pad", "padSide")], [("attention", "decoder"), ("masks", "both")]),
        ["encoder-self-attention"] = new("masks", [("source", "sentence"), ("maxLength", "maxLength")], [("attention", "encoder"), ("masks", "padding")]),
        ["teacher-forcing"] = new("masks", [("source", "source"), ("target", "target"), ("maxLength", "maxLength")], [("attention", "decoder"), ("masks", "both")]),
        ["cross-attention"] = new("masks", [("source", "source"), ("target", "target"), ("maxLength", "maxLength")], [("attention", "cross"), ("masks", "padding")]),
        ["inference"] = new("decoding", [("source", "sentence"), ("maxLength", "maxLength"), ("maxDecode", "maxDecode"), ("layer", "layer"), ("head", "head")]),
        ["training"] = new("decoding", [("source", "example")], [("maxLength", "6")]),
        ["pitfalls-numbers"] = new("masks", [("target", "sentence"), ("maxLength", "maxLength")], [("attention", "decoder"), ("masks", "both"), ("pad", "left")]),
        ["pitfalls-batches-and-caches"] = new("masks", [("source", "sentence"), ("target", "target"), ("maxLength", "maxLength")], [("attention", "cross"), ("masks", "padding")]),
        ["attention-at-scale"] = new("today", [("length", "n"), ("block", "block")], [("mask", "causal")]),
        ["masks-of-todays-models"] = new("today", [("window", "window"), ("documents", "documentLengths"), ("prefix", "prefixLength")], [("mask", "slidingwindow"), ("length", "9")]),
    };

    /// <summary>The link from a lesson's page (in the book's folder) to the playground, e.g. "playground/?view=masks&amp;source=a%20b%20c&amp;...".</summary>
    public static string For(NotebookFile notebook)
    {
        var values = TryItValues(notebook);
        var target = Lessons.GetValueOrDefault(LessonKey(notebook.Name)) ?? new Target("masks", []);
        var query = new StringBuilder("?view=").Append(target.View);
        foreach (var (name, variable) in target.Inputs)
        {
            if (values.TryGetValue(variable, out var value))
            {
                query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        foreach (var (name, value) in target.Fixed ?? [])
        {
            query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        query.Append("&lesson=").Append(Uri.EscapeDataString(notebook.Name));
        return Folder + query;
    }

    /// <summary>A lesson's name without its number: "02-padding-mask" → "padding-mask".</summary>
    public static string LessonKey(string notebookName) => LeadingNumber().Replace(notebookName, "");

    /// <summary>
    /// The Try-it values of a notebook as text ("a b c", "5", "left", "3,2,4"): its "Try it" cell's assignments, then
    /// those of an injected parameters cell (--parameters), which win.
    /// </summary>
    public static IReadOnlyDictionary<string, string> TryItValues(NotebookFile notebook)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var cell in notebook.Cells.Where(c => c.IsParameters || c.IsInjectedParameters))
        {
            var code = string.Join("\n", cell.Source.Split('\n').Select(WithoutComment));
            foreach (Match m in Assignment().Matches(code))
            {
                values[m.Groups["name"].Value] = Text(m.Groups["value"].Value.Trim());
            }
        }

        return values;
    }

    private static string Text(string value) => value switch
    {
        ['"', .. var inner, '"'] => Regex.Unescape(inner),
        _ when value.StartsWith("PaddingSide.", StringComparison.Ordinal) => value["PaddingSide.".Length..].ToLowerInvariant(),
        _ when value.StartsWith("new", StringComparison.Ordinal) && value.Contains('{') =>
            string.Join(",", value[(value.IndexOf('{') + 1)..value.LastIndexOf('}')].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)),
        _ => value,
    };

    /// <summary>A line without its // comment (a "//" inside a string stays).</summary>
    private static string WithoutComment(string line)
    {
        var inString = false;
        for (var i = 0; i < line.Length - 1; i++)
        {
            if (line[i] == '"' && (i == 0 || line[i - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && line[i] == '/' && line[i + 1] == '/')
            {
                return line[..i];
            }
        }

        return line;
    }

    [GeneratedRegex(@"^\d+[-_.\s]*")]
    private static partial Regex LeadingNumber();

    [GeneratedRegex("""(?:\bvar\s+|\b[A-Za-z_][\w<>\[\],]*\s+)?(?<name>[A-Za-z_]\w*)\s*=\s*(?<value>"(?:[^"\\]|\\.)*"|new\s*[\w]*\s*\[\]\s*\{[^}]*\}|[^;]+?)\s*;""")]
    private static partial Regex Assignment();
}
