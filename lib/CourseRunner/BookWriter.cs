using System.Text;

namespace CourseRunner;

/// <summary>
/// Writes the course book into one folder: index.html (the course's landing page, the lesson table, and the run
/// report at its foot), one page per lesson, each executed notebook (.ipynb with outputs), the stylesheet, the book's
/// small script, and plotly.js once as a local file.
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
        WriteResource(BookHtml.ScriptFileName, Path.Combine(outputFolder, BookHtml.ScriptFileName));
        PlotlyScript.WriteTo(Path.Combine(outputFolder, PlotlyScript.FileName));

        var summaries = runs.Select(r => LessonSummary.Of(r.Notebook)).ToArray();
        var links = runs.Select((r, i) => new LessonPage.Link(PageFileName(r.Notebook), LinkTitle(summaries[i]))).ToArray();
        for (var i = 0; i < runs.Count; i++)
        {
            ExecutedNotebookWriter.Write(runs[i], Path.Combine(outputFolder, runs[i].Notebook.FileName));
            var page = LessonPage.Render(title, runs[i], summaries[i], links, i);
            File.WriteAllText(Path.Combine(outputFolder, links[i].Href), page);
        }

        File.WriteAllText(Path.Combine(outputFolder, "index.html"), Index(title, runs, summaries, links));
    }

    /// <summary>The book page of a notebook: its name with .html, e.g. "01-attention-scores.html".</summary>
    public static string PageFileName(NotebookFile notebook) => notebook.Name + ".html";

    private static string LinkTitle(LessonSummary summary) =>
        summary.Number.Length > 0 ? $"{summary.Number}. {summary.Title}" : summary.Title;

    /// <summary>What the landing page says before the lesson table: what the course is, for whom, and what it needs.</summary>
    private const string Introduction =
        """
        <p class="lead">A course in C# on how a transformer's attention really handles padding and masking, matrix by matrix.
        It follows one worked example from start to finish: the source sentence <code>a b c</code>, the target
        <code>g f h</code>, padded to one length with <code>&lt;pad&gt;</code>, with <code>&lt;s&gt;</code> and
        <code>&lt;/s&gt;</code> around the target. Every matrix is a picture, and every claim a lesson makes is a check
        that runs each time the lesson does.</p>
        <div class="facts">
        <section><h2 id="for-whom">For whom</h2><p>Programmers who know C# (or another C-family language) and want to see, not just
        read, what the padding mask, the causal mask and their combination do inside attention, in training and in
        generation, and where real code gets them wrong.</p></section>
        <section><h2 id="prerequisites">Prerequisites</h2><ul><li>Matrix products and the idea of a softmax; no other
        maths.</li><li>The .NET 10 SDK. Nothing else is needed to read the book or run the lessons.</li></ul></section>
        </div>
        """;

    /// <summary>How to run the lessons yourself, after the lesson table.</summary>
    private const string HowToRun =
        """
        <h2 id="run-the-notebooks">Run the lessons yourself</h2>
        <p>Each lesson is a notebook (<code>notebooks/NN-name.ipynb</code>) with a "Try it" cell near the top: change the
        sentence or the maximum length there and every matrix below recomputes. Build the companion library once
        first, from the repository's root:</p>
        <pre class="command">dotnet build lib/AttentionLab</pre>
        <dl class="ways">
        <dt>This book</dt><dd>Runs every lesson and writes these pages, readable offline:
        <pre class="command">dotnet run --project lib/CourseRunner</pre>
        Give it other inputs with <code>--parameters</code>, e.g.
        <code>--parameters 'sentence = "the cat sat"; maxLength = 7;'</code>.</dd>
        <dt>VS Code</dt><dd>With the <em>Polyglot Notebooks</em> extension: open a notebook, run
        <code>dotnet tool restore</code> once, then <em>Run All</em>.</dd>
        <dt>Jupyter</dt><dd>With the <code>.NET (C#)</code> kernel from the pinned <code>dotnet-interactive</code> tool
        (see <code>environment.md</code> in the repository for the safe set-up).</dd>
        </dl>
        """;

    private static string Index(string title, IReadOnlyList<NotebookRun> runs, LessonSummary[] summaries, LessonPage.Link[] links)
    {
        var rows = new StringBuilder();
        for (var i = 0; i < runs.Count; i++)
        {
            var summary = summaries[i];
            var learn = summary.BulletsHtml.Count > 0
                ? "<ul>" + string.Concat(summary.BulletsHtml.Select(b => $"<li>{b}</li>")) + "</ul>"
                : summary.SummaryHtml;
            rows.Append("<tr>")
                .Append($"<td class=\"number\">{HtmlText.Escape(summary.Number)}</td>")
                .Append($"<td class=\"title\"><a href=\"{HtmlText.Href(links[i].Href)}\">{HtmlText.Escape(summary.Title)}</a></td>")
                .Append($"<td class=\"learn\">{learn}</td>")
                .Append("</tr>\n");
        }

        return BookHtml.Page(title, $"<script src=\"{BookHtml.ScriptFileName}\" defer></script>\n",
            $"<header class=\"book-header\"><a class=\"book-title\" href=\"index.html\">{HtmlText.Escape(title)}</a></header>\n"
            + $"<main class=\"index\">\n<h1>{HtmlText.Escape(title)}</h1>\n{Introduction}\n"
            + "<h2 id=\"lessons\">The lessons</h2>\n"
            + "<table class=\"lessons\">\n<thead><tr><th>#</th><th>Lesson</th><th>What you will learn</th></tr></thead>\n"
            + $"<tbody>\n{rows}</tbody>\n</table>\n{HowToRun}</main>\n"
            + RunReport(runs, links));
    }

    /// <summary>The run that wrote this book, lesson by lesson: for the teacher, at the foot of the landing page.</summary>
    private static string RunReport(IReadOnlyList<NotebookRun> runs, LessonPage.Link[] links)
    {
        var failures = runs.Count(r => !r.Succeeded);
        var verdict = runs.Count == 0
            ? "No notebooks were run."
            : failures == 0
                ? $"All {runs.Count} notebooks ran without error when this book was written."
                : $"{failures} of {runs.Count} notebooks did not run to the end when this book was written.";
        var items = new StringBuilder();
        for (var i = 0; i < runs.Count; i++)
        {
            var status = runs[i].Succeeded
                ? "<span class=\"run-ok\">ran</span>"
                : runs[i].FirstFailure is { } failed
                    ? $"<a class=\"run-failed\" href=\"{HtmlText.Href(links[i].Href)}#cell-{failed.Cell.Number}\">failed at cell {failed.Cell.Number}</a>"
                    : "<span class=\"run-failed\">not run</span>";
            var seconds = runs[i].Duration.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
            items.Append($"<li>{HtmlText.Escape(links[i].Title)}: {status}, {seconds} s · <a href=\"{HtmlText.Href(runs[i].Notebook.FileName)}\">executed notebook</a></li>");
        }

        return $"<footer class=\"run-report\"><details><summary class=\"verdict\">{verdict}</summary><ul>{items}</ul></details></footer>";
    }

    private static void WriteResource(string name, string path)
    {
        using var source = typeof(BookWriter).Assembly.GetManifestResourceStream("CourseRunner.Book." + name)
                           ?? throw new InvalidOperationException($"The runner is missing its embedded {name}.");
        using var target = File.Create(path);
        source.CopyTo(target);
    }
}
