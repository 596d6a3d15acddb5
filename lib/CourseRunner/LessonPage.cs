using System.Globalization;
using System.Text;

namespace CourseRunner;

/// <summary>
/// The book page of one executed lesson: its Markdown rendered, its code (escaped, with cell numbers),
/// each cell's outputs and errors, cells not run marked as such, charts drawn from the local plotly.js,
/// and links to the previous and next lessons.
/// </summary>
internal static class LessonPage
{
    /// <summary>A lesson the page links to: its page file and title.</summary>
    public sealed record Link(string Href, string Title);

    /// <summary>The complete HTML of the page.</summary>
    public static string Render(string bookTitle, NotebookRun run, LessonSummary summary, Link? previous, Link? next)
    {
        var body = new StringBuilder();
        var usesPlotly = false;

        if (run.FailureSummary is { } failure)
        {
            var anchor = run.FirstFailure is { } failed ? $" <a href=\"#cell-{failed.Cell.Number}\">Go to the cell.</a>" : "";
            body.Append("<div class=\"run-failure\"><strong>This lesson did not run to the end.</strong>")
                .Append(anchor)
                .Append("<pre>").Append(HtmlText.Escape(failure)).Append("</pre></div>\n");
        }

        foreach (var result in run.Cells)
        {
            body.Append(result.Cell.Kind switch
            {
                CellKind.Markdown => MarkdownCell(result.Cell),
                CellKind.Raw => $"<section class=\"cell raw\" id=\"cell-{result.Cell.Number}\"><pre>{HtmlText.Escape(result.Cell.Source)}</pre></section>\n",
                _ => CodeCell(result, ref usesPlotly),
            });
        }

        var title = summary.Number.Length > 0 ? $"{summary.Number}. {summary.Title}" : summary.Title;
        var navigation = Navigation(previous, next);
        var scripts = usesPlotly ? $"<script src=\"{PlotlyScript.FileName}\"></script>\n" : "";
        return BookHtml.Page(
            $"{title} · {bookTitle}",
            scripts,
            $"<header class=\"book-header\"><a href=\"index.html\">{HtmlText.Escape(bookTitle)}</a>{navigation}</header>\n"
            + $"<main class=\"lesson\">\n{body}</main>\n"
            + $"<footer class=\"book-footer\">{navigation}<p><a href=\"{HtmlText.Escape(run.Notebook.FileName)}\">Executed notebook (.ipynb)</a></p></footer>");
    }

    private static string MarkdownCell(NotebookCell cell) =>
        $"<section class=\"cell markdown\" id=\"cell-{cell.Number}\">\n{MarkdownRenderer.ToHtml(cell.Source)}</section>\n";

    private static string CodeCell(CellResult result, ref bool usesPlotly)
    {
        var html = new StringBuilder();
        var status = result.Status switch
        {
            CellStatus.Succeeded => ("cell-ok", "ok"),
            CellStatus.Failed => ("cell-failed", "failed"),
            CellStatus.TimedOut => ("cell-timed-out", "timed out"),
            _ => ("cell-not-run", "not run"),
        };
        var duration = result.Status is CellStatus.NotRun
            ? ""
            : " · " + result.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
        var injected = result.Cell.Tags.Contains(NotebookFile.InjectedParametersTag) ? " · injected parameters" : "";

        html.Append($"<section class=\"cell code {status.Item1}\" id=\"cell-{result.Cell.Number}\">\n")
            .Append($"<div class=\"cell-label\"><a href=\"#cell-{result.Cell.Number}\">[{result.Cell.Number}]</a> ")
            .Append($"<span class=\"status\">{status.Item2}{duration}{injected}</span></div>\n")
            .Append("<pre class=\"source\"><code class=\"language-csharp\">")
            .Append(HtmlText.Escape(result.Cell.Source))
            .Append("</code></pre>\n");

        if (result.Outputs.Count > 0)
        {
            html.Append("<div class=\"outputs\">\n");
            foreach (var output in result.Outputs)
            {
                html.Append(Output(output, ref usesPlotly)).Append('\n');
            }

            html.Append("</div>\n");
        }

        return html.Append("</section>\n").ToString();
    }

    private static string Output(CellOutput output, ref bool usesPlotly)
    {
        switch (output.Kind)
        {
            case OutputKind.Error:
                return $"<pre class=\"output error\">{HtmlText.Escape(output.PlainText)}</pre>";
            case OutputKind.StandardOutput:
                return $"<pre class=\"output stdout\">{HtmlText.Escape(output.PlainText)}</pre>";
            case OutputKind.StandardError:
                return $"<pre class=\"output stderr\">{HtmlText.Escape(output.PlainText)}</pre>";
        }

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
                : $"<div class=\"output html\">{html}</div>";
        }

        if (output.PlainText is { } text)
        {
            return $"<pre class=\"output text\">{HtmlText.Escape(text)}</pre>";
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
            : $"<a class=\"previous\" href=\"{HtmlText.Escape(previous.Href)}\">← {HtmlText.Escape(previous.Title)}</a>";
        var nextHtml = next is null
            ? "<span></span>"
            : $"<a class=\"next\" href=\"{HtmlText.Escape(next.Href)}\">{HtmlText.Escape(next.Title)} →</a>";
        return $"<nav class=\"lesson-nav\">{previousHtml}{nextHtml}</nav>";
    }
}
