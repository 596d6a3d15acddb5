using System.Text;

namespace CourseRunner;

/// <summary>
/// Writes the course book into one folder: index.html (the lesson table), one page per lesson,
/// each executed notebook (.ipynb with outputs), the stylesheet, and plotly.js once as a local file.
/// The folder is self-contained: it can be opened from disk with no network.
/// </summary>
public static class BookWriter
{
    /// <summary>The title on the index page and in every page header.</summary>
    public const string DefaultTitle = "Attention Masks";

    /// <summary>Writes the book for <paramref name="runs"/> (in lesson order) into <paramref name="outputFolder"/>.</summary>
    public static void Write(IReadOnlyList<NotebookRun> runs, string outputFolder, string title = DefaultTitle)
    {
        Directory.CreateDirectory(outputFolder);
        WriteResource(BookHtml.StylesheetFileName, Path.Combine(outputFolder, BookHtml.StylesheetFileName));
        PlotlyScript.WriteTo(Path.Combine(outputFolder, PlotlyScript.FileName));

        var summaries = runs.Select(r => LessonSummary.Of(r.Notebook)).ToArray();
        var links = runs.Select((r, i) => new LessonPage.Link(PageFileName(r.Notebook), LinkTitle(summaries[i]))).ToArray();
        for (var i = 0; i < runs.Count; i++)
        {
            ExecutedNotebookWriter.Write(runs[i], Path.Combine(outputFolder, runs[i].Notebook.FileName));
            var page = LessonPage.Render(title, runs[i], summaries[i],
                i > 0 ? links[i - 1] : null,
                i + 1 < runs.Count ? links[i + 1] : null);
            File.WriteAllText(Path.Combine(outputFolder, links[i].Href), page);
        }

        File.WriteAllText(Path.Combine(outputFolder, "index.html"), Index(title, runs, summaries, links));
    }

    /// <summary>The book page of a notebook: its name with .html, e.g. "01-attention-scores.html".</summary>
    public static string PageFileName(NotebookFile notebook) => notebook.Name + ".html";

    private static string LinkTitle(LessonSummary summary) =>
        summary.Number.Length > 0 ? $"{summary.Number}. {summary.Title}" : summary.Title;

    private static string Index(string title, IReadOnlyList<NotebookRun> runs, LessonSummary[] summaries, LessonPage.Link[] links)
    {
        var rows = new StringBuilder();
        for (var i = 0; i < runs.Count; i++)
        {
            var summary = summaries[i];
            var learn = summary.BulletsHtml.Count > 0
                ? "<ul>" + string.Concat(summary.BulletsHtml.Select(b => $"<li>{b}</li>")) + "</ul>"
                : summary.SummaryHtml;
            var status = runs[i].Succeeded
                ? "<span class=\"run-ok\">ran</span>"
                : runs[i].FirstFailure is { } failed
                    ? $"<a class=\"run-failed\" href=\"{HtmlText.Escape(links[i].Href)}#cell-{failed.Cell.Number}\">failed at cell {failed.Cell.Number}</a>"
                    : "<span class=\"run-failed\">not run</span>";
            rows.Append("<tr>")
                .Append($"<td class=\"number\">{HtmlText.Escape(summary.Number)}</td>")
                .Append($"<td class=\"title\"><a href=\"{HtmlText.Escape(links[i].Href)}\">{HtmlText.Escape(summary.Title)}</a></td>")
                .Append($"<td class=\"learn\">{learn}</td>")
                .Append($"<td class=\"status\">{status} · <a href=\"{HtmlText.Escape(runs[i].Notebook.FileName)}\">.ipynb</a></td>")
                .Append("</tr>\n");
        }

        var failures = runs.Count(r => !r.Succeeded);
        var verdict = runs.Count == 0
            ? "No notebooks were run."
            : failures == 0
                ? $"All {runs.Count} notebooks ran without error."
                : $"{failures} of {runs.Count} notebooks did not run to the end.";
        return BookHtml.Page(title, "",
            $"<header class=\"book-header\"><a href=\"index.html\">{HtmlText.Escape(title)}</a></header>\n"
            + $"<main class=\"index\">\n<h1>{HtmlText.Escape(title)}</h1>\n<p class=\"verdict\">{verdict}</p>\n"
            + "<table class=\"lessons\">\n<thead><tr><th>#</th><th>Lesson</th><th>What you will learn</th><th>Run</th></tr></thead>\n"
            + $"<tbody>\n{rows}</tbody>\n</table>\n</main>");
    }

    private static void WriteResource(string name, string path)
    {
        using var source = typeof(BookWriter).Assembly.GetManifestResourceStream("CourseRunner.Book." + name)
                           ?? throw new InvalidOperationException($"The runner is missing its embedded {name}.");
        using var target = File.Create(path);
        source.CopyTo(target);
    }
}
