namespace Book.Tests;

/// <summary>
/// What the probe notebook's page must show (<see cref="ProbeNotebook"/>): its LaTeX as MathML, its
/// signed matrix on a scale centred on 0, and its matrix of zeros drawn flat and said to be zero.
/// </summary>
[Collection(BookCollection.Name)]
public sealed class ProbePageTests(BookFixture book)
{
    private async Task<BrowserPage> OpenAsync()
    {
        var run = book.LearnerText.RunOf(ProbeNotebook.FileName);
        Assert.True(run.Succeeded, run.FailureSummary);
        var browser = await book.NewPageAsync();
        await browser.GotoAsync(book.ProbeUrl(ProbeNotebook.PageFileName));
        return browser;
    }

    [BrowserFact]
    public async Task LaTeX_is_shown_as_typeset_maths_with_no_script()
    {
        await using var browser = await OpenAsync();
        var page = browser.Page;

        Assert.Equal(2, await page.Locator("section.markdown math").CountAsync());
        Assert.Equal(1, await page.Locator("section.markdown math[display='block']").CountAsync());
        Assert.Equal(1, await page.Locator("section.markdown math msqrt").CountAsync());
        Assert.Equal(1, await page.Locator("section.markdown math mfrac").CountAsync());
        var markdown = string.Concat(await page.Locator("section.markdown").AllInnerTextsAsync());
        Assert.DoesNotContain("\\frac", markdown);
        Assert.DoesNotContain("$", markdown);
        // Typeset: a fraction is taller than a line of text.
        var height = await page.Locator("section.markdown math mfrac").EvaluateAsync<double>("e => e.getBoundingClientRect().height");
        Assert.True(height > 24, $"The fraction is {height} px tall.");
        // (No check of errors or requests here: the page's hostile output makes the browser report what it
        // blocked; BookSecurityTests checks that nothing gets out.)
    }

    [BrowserFact]
    public async Task A_signed_matrix_is_coloured_on_a_scale_centred_on_zero_and_a_constant_one_is_flagged()
    {
        await using var browser = await OpenAsync();
        var page = browser.Page;
        Assert.True(await LessonPageTests.ChartsDrawnAsync(page) is [true]);

        // What plotly.js drew from: the figure's traces, as the chart element holds them.
        var scale = await page.Locator(".output.chart .js-plotly-plot").EvaluateAsync<double[]>("""
            chart => {
                const scores = chart.data.find(t => t.type === 'heatmap' && (t.xaxis || 'x') === 'x' && t.showscale);
                return [scores.zmin, scores.zmax];
            }
            """);
        Assert.Equal(-2.5, scale[0]);
        Assert.Equal(2.5, scale[1]);
        // The colour at 0 is the scale's near-white middle; −2.5 and 2.5 are far apart.
        var cellColours = await page.Locator(".output.chart .js-plotly-plot").EvaluateAsync<string[]>("""
            chart => {
                const t = chart.data.find(t => t.type === 'heatmap' && (t.xaxis || 'x') === 'x' && t.showscale);
                const at = v => { const s = t.colorscale, f = (v - t.zmin) / (t.zmax - t.zmin);
                    return s.reduce((best, stop) => Math.abs(stop[0] - f) < Math.abs(best[0] - f) ? stop : best)[1]; };
                return [at(-2.5), at(0), at(2.5)];
            }
            """);
        Assert.Equal("#f7f7f7", cellColours[1]);
        Assert.NotEqual(cellColours[0], cellColours[2]);

        var titles = await page.Locator(".output.chart .annotation-text").AllTextContentsAsync();
        Assert.Contains(titles, t => t.Contains("difference", StringComparison.Ordinal) && t.Contains("all exactly 0", StringComparison.Ordinal));
        Assert.DoesNotContain(titles, t => t.Contains("scores", StringComparison.Ordinal) && t.Contains("exactly", StringComparison.Ordinal));
        var flat = await page.Locator(".output.chart .js-plotly-plot").EvaluateAsync<int>("""
            chart => {
                const t = chart.data.find(t => t.type === 'heatmap' && t.xaxis === 'x2');
                return new Set(t.colorscale.map(s => s[1])).size + (t.showscale ? 100 : 0);
            }
            """);
        Assert.Equal(1, flat); // one colour, no colour bar
    }
}
