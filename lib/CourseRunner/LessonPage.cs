using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CourseRunner;

/// <summary>
/// The book page of one executed lesson: a sidebar of every lesson, its Markdown rendered with heading
/// anchors and an "on this page" list, its code coloured and wrapped, each cell's outputs (printed lines
/// merged into one block, raw HTML in a sandboxed frame), cells that failed or did not run marked as
/// such, charts drawn from the local plotly.js, and links to the previous and next lessons.
/// </summary>
internal static partial class LessonPage
{
    /// <summary>A cell that takes at least this long gets a label saying so.</summary>
    public static readonly TimeSpan SlowCell = TimeSpan.FromSeconds(2);

    /// <summary>A lesson the page links to: its page file (not yet URL-encoded) and title.</summary>
    public sealed record Link(string Href, string Title);

    /// <summary>The complete HTML of the page of <paramref name="lessons"/>[<paramref name="index"/>].</summary>
    public static string Render(string bookTitle, NotebookRun run, LessonSummary summary, IReadOnlyList<Link> lessons, int index)
    {
        var body = new StringBuilder();
        var usesPlotly = false;
        var headings = new PageHeadings(run.Cells.Select(c => $"cell-{c.Cell.Number}"));

        if (run.FailureSummary is { } failure)
        {
            var anchor = run.FirstFailure is { } failed ? $" <a href=\"#cell-{failed.Cell.Number}\">Go to the cell.</a>" : "";
            body.Append("<div class=\"run-failure\"><strong>This lesson did not run to the end.</strong>")
                .Append(anchor)
                .Append("<pre>").Append(HtmlText.Escape(failure)).Append("</pre></div>\n");
        }

        var contentsAt = -1; // "On this page" goes after the lesson's title cell
        foreach (var result in run.Cells)
        {
            switch (result.Cell.Kind)
            {
                case CellKind.Markdown:
                    var html = MarkdownRenderer.ToHtml(result.Cell.Source, headings);
                    body.Append($"<section class=\"cell markdown\" id=\"cell-{result.Cell.Number}\">\n{html}</section>\n");
                    if (contentsAt < 0)
                    {
                        contentsAt = body.Length;
                    }

                    break;
                case CellKind.Raw:
                    body.Append($"<section class=\"cell raw\" id=\"cell-{result.Cell.Number}\"><pre>{HtmlText.Escape(result.Cell.Source)}</pre></section>\n");
                    break;
                default:
                    body.Append(CodeCell(result, ref usesPlotly));
                    break;
            }
        }

        var previous = index > 0 ? lessons[index - 1] : null;
        var next = index + 1 < lessons.Count ? lessons[index + 1] : null;
        var title = summary.Number.Length > 0 ? $"{summary.Number}. {summary.Title}" : summary.Title;
        var navigation = Navigation(previous, next);
        var tryItLive = $"<a class=\"try-live\" href=\"{HtmlText.Escape(PlaygroundLink.For(run.Notebook))}\" "
                        + "title=\"This lesson's Try-it inputs in the live playground (served with the book by: dotnet run --project lib/CourseRunner -- serve)\">Try it live</a>";
        var scripts = new StringBuilder();
        if (usesPlotly)
        {
            scripts.Append($"<script src=\"{PlotlyScript.FileName}\"></script>\n");
        }

        // Not deferred: each chart's inline script calls it while the page is read.
        scripts.Append($"<script src=\"{BookHtml.ScriptFileName}\"></script>\n");
        return BookHtml.Page(
            $"{title} · {bookTitle}",
            scripts.ToString(),
            $"<header class=\"book-header\"><a class=\"book-title\" href=\"index.html\">{HtmlText.Escape(bookTitle)}</a>{tryItLive}{navigation}</header>\n"
            + "<div class=\"book-layout\">\n"
            + Sidebar(lessons, index)
            + $"<main class=\"lesson\">\n{body.Insert(Math.Max(contentsAt, 0), Contents(headings))}"
            + $"<footer class=\"lesson-footer\">{navigation}<p><a href=\"{HtmlText.Href(run.Notebook.FileName)}\">The executed notebook (.ipynb)</a> · {tryItLive}</p></footer>\n"
            + "</main>\n</div>");
    }

    /// <summary>Every lesson of the book, the current one marked.</summary>
    private static string Sidebar(IReadOnlyList<Link> lessons, int index)
    {
        var items = new StringBuilder();
        for (var i = 0; i < lessons.Count; i++)
        {
            var current = i == index ? " class=\"current\" aria-current=\"page\"" : "";
            items.Append($"<li><a{current} href=\"{HtmlText.Href(lessons[i].Href)}\">{HtmlText.Escape(lessons[i].Title)}</a></li>");
        }

        return $"<nav class=\"book-sidebar\" aria-label=\"Lessons\"><p class=\"sidebar-title\"><a href=\"index.html\">All lessons</a></p><ol>{items}</ol></nav>\n";
    }

    /// <summary>"On this page": the page's section headings (levels 2 and 3), each a link to its anchor.</summary>
    private static string Contents(PageHeadings headings)
    {
        var entries = headings.Entries.Where(h => h.Level is 2 or 3).ToArray();
        if (entries.Length == 0)
        {
            return "";
        }

        var items = string.Concat(entries.Select(h => $"<li class=\"level-{h.Level}\"><a href=\"#{h.Id}\">{h.Html}</a></li>"));
        return $"<nav class=\"page-toc\" aria-label=\"On this page\"><p class=\"toc-title\">On this page</p><ul>{items}</ul></nav>\n";
    }

    private static string CodeCell(CellResult result, ref bool usesPlotly)
    {
        var html = new StringBuilder();
        var (statusClass, statusText) = result.Status switch
        {
            CellStatus.Succeeded => ("cell-ok", ""),
            CellStatus.Failed => ("cell-failed", "failed"),
            CellStatus.TimedOut => ("cell-timed-out", "timed out"),
            _ => ("cell-not-run", "not run"),
        };
        var injected = result.Cell.Tags.Contains(NotebookFile.InjectedParametersTag);
        var slow = result.Status is not CellStatus.NotRun && result.Duration >= SlowCell;

        html.Append($"<section class=\"cell code {statusClass}\" id=\"cell-{result.Cell.Number}\">\n");
        // A label only where it tells the reader something: a cell that failed, did not run, was injected, or took a while.
        var notes = new List<string>();
        if (statusText.Length > 0)
        {
            notes.Add($"<span class=\"status\">{statusText}</span>");
        }

        if (injected)
        {
            notes.Add("injected parameters");
        }

        if (slow)
        {
            notes.Add("took " + result.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s");
        }

        if (notes.Count > 0)
        {
            html.Append($"<div class=\"cell-label\"><a href=\"#cell-{result.Cell.Number}\">cell {result.Cell.Number}</a> · {string.Join(" · ", notes)}</div>\n");
        }

        html.Append("<pre class=\"source\"><code class=\"language-csharp\">")
            .Append(CodeHighlighter.Lines(result.Cell.Source))
            .Append("</code></pre>\n");

        if (result.Outputs.Count > 0)
        {
            var outputs = Outputs(result.Outputs, ref usesPlotly);
            if (IsSetup(result.Cell) && result.Status == CellStatus.Succeeded)
            {
                html.Append("<details class=\"outputs setup-output\"><summary>What the setup printed</summary>\n").Append(outputs).Append("</details>\n");
            }
            else
            {
                html.Append("<div class=\"outputs\">\n").Append(outputs).Append("</div>\n");
            }
        }

        return html.Append("</section>\n").ToString();
    }

    /// <summary>The lessons' setup cell (it loads the library and its packages): its code starts with "// Setup".</summary>
    private static bool IsSetup(NotebookCell cell) => cell.Source.TrimStart().StartsWith("// Setup", StringComparison.Ordinal);

    /// <summary>The outputs in order, consecutive printed lines of one kind merged into one block.</summary>
    private static string Outputs(IReadOnlyList<CellOutput> outputs, ref bool usesPlotly)
    {
        var html = new StringBuilder();
        string? textClass = null;
        var text = new StringBuilder();

        void Flush()
        {
            if (textClass is not null)
            {
                html.Append($"<pre class=\"output {textClass}\">{HtmlText.Escape(text.ToString())}</pre>\n");
            }

            textClass = null;
            text.Clear();
        }

        foreach (var output in outputs)
        {
            var plain = PlainBlock(output);
            if (plain is { } block)
            {
                if (block.Class != textClass)
                {
                    Flush();
                    textClass = block.Class;
                }
                else if (text.Length > 0 && text[^1] != '\n')
                {
                    text.Append('\n');
                }

                text.Append(WithoutMachinePaths(block.Text));
                continue;
            }

            Flush();
            html.Append(Output(output, ref usesPlotly)).Append('\n');
        }

        Flush();
        return html.ToString();
    }

    /// <summary>An output shown as plain text, with the class of its block; null for HTML, charts and images.</summary>
    private static (string Class, string Text)? PlainBlock(CellOutput output) => output.Kind switch
    {
        OutputKind.Error => ("error", output.PlainText ?? ""),
        OutputKind.StandardOutput => ("stdout", output.PlainText ?? ""),
        OutputKind.StandardError => ("stderr", output.PlainText ?? ""),
        _ when output.Html is null && output.PlainText is { } text => ("text", text),
        _ => null,
    };

    /// <summary>
    /// A path into the NuGet cache or the user's home folder says where this book was built, not what the
    /// lesson teaches: "/home/me/.nuget/packages/plotly.net.interactive/6.0.0/…/X.dll" becomes "X.dll (plotly.net.interactive 6.0.0)".
    /// </summary>
    internal static string WithoutMachinePaths(string text)
    {
        text = NuGetPath().Replace(text, m => $"{m.Groups["file"].Value} ({m.Groups["package"].Value} {m.Groups["version"].Value})");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return home.Length > 1 ? text.Replace(home, "~", StringComparison.Ordinal) : text;
    }

    [GeneratedRegex(@"(?:[A-Za-z]:)?(?:[/\\][^/\\\s`'""]+)*[/\\]\.nuget[/\\]packages[/\\](?<package>[^/\\\s`'""]+)[/\\](?<version>[^/\\\s`'""]+)(?:[/\\][^/\\\s`'""]+)*[/\\](?<file>[^/\\\s`'""]+)")]
    private static partial Regex NuGetPath();

    private static string Output(CellOutput output, ref bool usesPlotly)
    {
        if (output.Html is { } html)
        {
            if (OfflineChart.TryRewrite(html, out var offline))
            {
                usesPlotly = true;
                return $"<div class=\"output html chart\">{offline}</div>";
            }

            // Chart markup in a form the book cannot rewrite would load plotly.js from a CDN: leave it out.
            return OfflineChart.IsChart(html)
                ? "<pre class=\"output error\">A chart was produced here, but in a form the offline book cannot draw.</pre>"
                : $"<div class=\"output html\">{OutputFrame.Of(html)}</div>";
        }

        foreach (var image in new[] { "image/png", "image/jpeg", "image/svg+xml" })
        {
            if (output.Data.TryGetValue(image, out var data))
            {
                var base64 = image == "image/svg+xml" ? Convert.ToBase64String(Encoding.UTF8.GetBytes(data)) : data.Trim();
                return $"<img class=\"output image\" alt=\"output image\" src=\"data:{image};base64,{HtmlText.Escape(base64)}\">";
            }
        }

        return $"<pre class=\"output text\">(an output of type {HtmlText.Escape(string.Join(", ", output.Data.Keys))})</pre>";
    }

    private static string Navigation(Link? previous, Link? next)
    {
        var previousHtml = previous is null
            ? "<span></span>"
            : $"<a class=\"previous\" href=\"{HtmlText.Href(previous.Href)}\">← {HtmlText.Escape(previous.Title)}</a>";
        var nextHtml = next is null
            ? "<span></span>"
            : $"<a class=\"next\" href=\"{HtmlText.Href(next.Href)}\">{HtmlText.Escape(next.Title)} →</a>";
        return $"<nav class=\"lesson-nav\">{previousHtml}{nextHtml}</nav>";
    }
}
