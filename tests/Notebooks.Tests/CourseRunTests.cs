using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Notebooks.Tests;

/// <summary>What one CourseRunner run over the TestData fixtures produces: report, executed notebooks and book.</summary>
[Trait("Category", "InProcess")]
public sealed partial class CourseRunTests(CourseRunFixture run) : IClassFixture<CourseRunFixture>
{
    [Fact]
    public void A_broken_cell_fails_the_run_and_is_named_with_its_notebook_and_cell()
    {
        Assert.NotEqual(0, run.Report.ExitCode);
        var failure = Assert.Single(run.Report.Failures);
        Assert.Contains("01-broken.ipynb, cell 4 of 5 (code cell 2) failed", failure);
        Assert.Contains("CS0029", failure);
        Assert.Contains("[01-broken] cell 4/5 FAILED", run.Progress);
    }

    [Fact]
    public void The_time_table_names_every_notebook_its_setup_and_the_sum()
    {
        var table = ConsoleProgress.Summary(run.Report.Runs).Split(Environment.NewLine);

        Assert.Equal(run.Report.Runs.Count + 2, table.Length);
        foreach (var (line, notebook) in table[1..^1].Zip(run.Report.Runs))
        {
            Assert.StartsWith(notebook.Notebook.Name, line);
            Assert.Equal(!notebook.Succeeded, line.EndsWith("FAILED", StringComparison.Ordinal));
        }

        var tryIt = run.RunOf("04-try-it.ipynb");
        Assert.NotNull(tryIt.SetupDuration);
        Assert.InRange(tryIt.SetupDuration.Value, TimeSpan.Zero, tryIt.Duration);
        var sum = TimeSpan.FromTicks(run.Report.Runs.Sum(r => r.Duration.Ticks)).TotalSeconds;
        Assert.Equal($"sum {sum.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}s",
            string.Join(' ', table[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void A_run_saved_as_a_record_reads_back_whole()
    {
        var path = Path.Combine(Repository.NewTempFolder("record"), "run.json");

        RunRecord.Save(run.Report, path);
        var back = RunRecord.Load(path);

        Assert.Equal(run.Report.BookFolder, back.BookFolder);
        Assert.Equal(run.Report.Runs.Count, back.Runs.Count);
        foreach (var (original, read) in run.Report.Runs.Zip(back.Runs))
        {
            Assert.Equal(original.Notebook.Path, read.Notebook.Path);
            Assert.Equal(original.Notebook.ToJson(), read.Notebook.ToJson());
            Assert.Equal(original.Duration, read.Duration);
            Assert.Equal(original.Error, read.Error);
            Assert.Equal(original.FailureSummary, read.FailureSummary);
            Assert.Equal(original.Cells.Count, read.Cells.Count);
            foreach (var (a, b) in original.Cells.Zip(read.Cells))
            {
                Assert.Equal(a.Cell, b.Cell with { Tags = a.Cell.Tags });
                Assert.Equal(a.Cell.Tags, b.Cell.Tags);
                Assert.Equal((a.Status, a.Error, a.Duration, a.ExecutionCount), (b.Status, b.Error, b.Duration, b.ExecutionCount));
                Assert.Equal(a.Outputs.Select(o => (o.Kind, o.ValueId)), b.Outputs.Select(o => (o.Kind, o.ValueId)));
                Assert.Equal(a.Outputs.Select(o => o.Data.OrderBy(d => d.Key)), b.Outputs.Select(o => o.Data.OrderBy(d => d.Key)));
            }
        }

        Assert.Throws<InvalidDataException>(() => RunRecord.Load(Repository.AlternateInputsFile));
    }

    [Fact]
    public void Cells_after_the_failure_are_not_run_and_shown_as_not_run()
    {
        var broken = run.RunOf("01-broken.ipynb");
        Assert.Equal(CellStatus.NotRun, broken.Cells[4].Status);
        Assert.Contains("""<section class="cell code cell-not-run" id="cell-5">""", run.Page("01-broken.ipynb"));
        Assert.DoesNotContain("this line is never reached\n", string.Concat(broken.Cells.SelectMany(c => c.Outputs).Select(o => o.PlainText)));

        var executed = ExecutedCells("01-broken.ipynb");
        Assert.Null((int?)executed[4]!["execution_count"]);
        Assert.Empty(executed[4]!["outputs"]!.AsArray());
        Assert.Equal("error", (string?)executed[3]!["outputs"]![0]!["output_type"]);
    }

    [Fact]
    public void The_other_notebooks_run_and_the_book_is_written_for_all()
    {
        Assert.All(run.Report.Runs.Where(r => r.Notebook.FileName != "01-broken.ipynb"), r => Assert.True(r.Succeeded, r.FailureSummary));

        var index = File.ReadAllText(Path.Combine(run.BookFolder, "index.html"));
        foreach (var fixture in CourseRunFixture.Fixtures)
        {
            Assert.True(File.Exists(Path.Combine(run.BookFolder, fixture)), $"executed {fixture} missing");
            Assert.Contains($"href=\"{Path.ChangeExtension(fixture, ".html")}\"", index);
        }

        Assert.Contains("<li>what a compile error looks like in the book</li>", index);
        Assert.Contains(">A lesson with a broken cell</a>", index);
        Assert.Contains("failed at cell 4", index);
    }

    [Fact]
    public void Pages_link_to_the_previous_and_next_lessons_and_notebook_links_point_to_pages()
    {
        var escaping = run.Page("02-escaping.ipynb");

        Assert.Contains("""<a class="previous" href="01-broken.html">""", escaping);
        Assert.Contains("""<a class="next" href="03-chart.html">""", escaping);
        Assert.Contains("""<a href="03-chart.html">the chart lesson</a>""", escaping);
    }

    [Fact]
    public void Source_notebooks_are_not_modified()
    {
        foreach (var fixture in CourseRunFixture.Fixtures)
        {
            Assert.Equal(run.HashesBefore[fixture], CourseRunFixture.Hash(run.PathOf(fixture)));
        }
    }

    [Fact]
    public void Learner_text_appears_as_text_in_the_book()
    {
        var page = run.Page("02-escaping.ipynb");
        const string escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";

        Assert.DoesNotContain("<script>alert(1)", page);
        Assert.Contains($"<code>{escaped}</code>", page);                  // Markdown code span
        Assert.Contains($"raw HTML in prose too: {escaped}", page);          // raw HTML in Markdown
        Assert.Contains($"// {escaped}", page);                              // code cell
        Assert.Contains($"<pre class=\"output stdout\">{escaped}", page);    // Console output
        Assert.Contains($"<pre class=\"output text\">{escaped}", page);      // return value
    }

    [Fact]
    public void Plotly_js_is_shipped_once_and_no_page_loads_a_script_from_the_network()
    {
        var scripts = Directory.GetFiles(run.BookFolder, "*.js").Select(f => Path.GetFileName(f)).Order().ToArray();
        Assert.Equal(["book.js", PlotlyScript.FileName], scripts);
        Assert.StartsWith("/**\n* plotly.js v", File.ReadAllText(Path.Combine(run.BookFolder, PlotlyScript.FileName))[..20]);

        foreach (var page in Directory.GetFiles(run.BookFolder, "*.html"))
        {
            var html = File.ReadAllText(page);
            Assert.All(ScriptSource().Matches(html), m => Assert.Contains(m.Groups["src"].Value, scripts));
            Assert.All(ScriptElement().Matches(html), m => Assert.DoesNotMatch("https?://", m.Value));
            Assert.DoesNotContain("cdn.plot.ly", html);
            Assert.DoesNotContain("require.min.js", html);
        }
    }

    [Fact]
    public void A_chart_is_html_in_the_executed_notebook_and_drawn_from_the_local_plotly_in_the_book()
    {
        var chartOutputs = ExecutedCells("03-chart.ipynb")[4]!["outputs"]!.AsArray();
        var html = string.Concat(chartOutputs.Select(o => o?["data"]?["text/html"]).OfType<JsonArray>().SelectMany(a => a).Select(l => (string?)l));
        Assert.Contains("Plotly.newPlot", html);
        Assert.Contains("\"name\":\"squares\"", html);

        var page = run.Page("03-chart.ipynb");
        Assert.Contains($"<script src=\"{PlotlyScript.FileName}\"></script>", page);
        Assert.Matches("""<script>bookChart\("[0-9a-f-]+", \[\{"type":"scatter""", page);
    }

    [BrowserFact]
    [Trait("Category", "Browser")]
    public async Task The_chart_page_draws_the_chart_offline_in_headless_chromium()
    {
        const string chromium = Browser.DebianChromium;
        Assert.True(File.Exists(chromium), $"{chromium} is needed to check that the book draws charts (apt-get install chromium).");

        var page = new Uri(Path.Combine(run.BookFolder, "03-chart.html")).AbsoluteUri;
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--virtual-time-budget=5000",
                "--dump-dom", page,
            },
        };
        using var process = Process.Start(start)!;
        var dom = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Contains("class=\"main-svg\"", await dom);
    }

    [Fact]
    public void Loading_a_kernel_extension_names_the_package_and_no_path_of_this_machine()
    {
        var nugetCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var outputs = run.RunOf("03-chart.ipynb").Cells.SelectMany(c => c.Outputs).SelectMany(o => o.Data.Values).ToArray();

        Assert.Contains(outputs, text => text.Contains("Loading extensions from the package `Plotly.NET.Interactive 6.0.0`"));
        Assert.DoesNotContain(outputs, text => text.Contains(nugetCache.TrimEnd('/')) || text.Contains(".nuget/packages"));
        foreach (var fixture in CourseRunFixture.Fixtures)
        {
            Assert.DoesNotContain(".nuget/packages", run.Page(fixture));
            Assert.DoesNotContain(".nuget/packages", File.ReadAllText(Path.Combine(run.BookFolder, fixture)));
        }
    }

    [Fact]
    public void Executed_notebooks_are_nbformat_4_with_outputs_on_code_cells_only()
    {
        foreach (var fixture in CourseRunFixture.Fixtures)
        {
            var notebook = JsonNode.Parse(File.ReadAllText(Path.Combine(run.BookFolder, fixture)))!;
            Assert.Equal(4, (int)notebook["nbformat"]!);
            foreach (var cell in notebook["cells"]!.AsArray())
            {
                var type = (string)cell!["cell_type"]!;
                Assert.Equal(type == "code", cell["outputs"] is JsonArray);
                Assert.Equal(type == "code", cell.AsObject().ContainsKey("execution_count"));
                foreach (var output in cell["outputs"]?.AsArray() ?? [])
                {
                    Assert.Contains((string)output!["output_type"]!, new[] { "stream", "display_data", "execute_result", "error" });
                }
            }
        }

        var counts = ExecutedCells("04-try-it.ipynb").Select(c => (int?)c!["execution_count"]).ToArray();
        Assert.Equal([null, 1, 2, 3], counts);
    }

    private JsonArray ExecutedCells(string fixture) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(run.BookFolder, fixture)))!["cells"]!.AsArray();

    [GeneratedRegex("""<script[^>]*\ssrc="(?<src>[^"]*)""")]
    private static partial Regex ScriptSource();

    [GeneratedRegex("<script.*?</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptElement();
}
