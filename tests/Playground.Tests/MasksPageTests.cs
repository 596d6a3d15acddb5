using System.Diagnostics;
using Xunit.Abstractions;

namespace Playground.Tests;

/// <summary>The masks page in Chromium: the heatmaps follow the sentence and the masks, on every keystroke.</summary>
[Collection(PlaygroundCollection.Name)]
public sealed class MasksPageTests(PlaygroundFixture fixture, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task Typing_a_sentence_changes_the_heatmap_tokens()
    {
        await using var page = await fixture.NewPageAsync();
        var firstRender = await page.OpenAsync(fixture.Address);
        output.WriteLine($"first render (cold cache, 127.0.0.1): {firstRender.TotalMilliseconds:0} ms");
        Assert.Equal(["a", "b", "c", "<pad>", "<pad>"], (await page.HeatmapAsync("weights")).Cols);

        var draws = await page.DrawsAsync();
        var clock = Stopwatch.StartNew();
        await page.Page.FillAsync("#source", "d e");
        await page.WaitForDrawsAsync(draws + 1);
        output.WriteLine($"one update (fill, compute, draw three heatmaps): {clock.Elapsed.TotalMilliseconds:0} ms");

        var weights = await page.HeatmapAsync("weights");
        Assert.Equal(["d", "e", "<pad>", "<pad>", "<pad>"], weights.Cols);
        Assert.Equal(weights.Cols, weights.Rows);
        Assert.Equal(weights.Cols, (await page.HeatmapAsync("scores")).Cols);
        AssertClean(page);
    }

    [BrowserFact]
    public async Task Pad_keys_get_weight_exactly_zero()
    {
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync(fixture.Address + "?source=a%20b%20c&maxLength=6&masks=padding&attention=encoder");

        var weights = await page.HeatmapAsync("weights");
        var masked = await page.HeatmapAsync("masked-scores");
        var padColumns = Enumerable.Range(0, weights.Cols.Length).Where(j => weights.Cols[j] == "<pad>").ToArray();
        Assert.Equal(3, padColumns.Length);
        for (int i = 0; i < weights.Rows.Length; i++)
        {
            foreach (var j in padColumns)
            {
                Assert.Equal(0.0, weights.Cells[i][j]);
                Assert.Equal(1, masked.Kinds[i][j]); // −∞ in the masked scores
            }

            Assert.Equal(1.0, weights.Cells[i].Sum(v => v ?? 0), 12);
        }

        Assert.Contains("weight exactly 0", await page.Page.InnerTextAsync("#what-changed"));
        AssertClean(page);
    }

    [BrowserFact]
    public async Task Turning_the_causal_mask_off_gives_weight_above_the_diagonal()
    {
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync(fixture.Address + "?target=g%20f%20h&maxLength=5&attention=decoder&masks=both");
        var before = await page.HeatmapAsync("weights");
        Assert.Equal(["<s>", "g", "f", "h", "<pad>"], before.Cols);
        Assert.All(AboveDiagonal(before), w => Assert.Equal(0.0, w));

        var draws = await page.DrawsAsync();
        await page.Page.SelectOptionAsync("#masks", "Padding");
        await page.WaitForDrawsAsync(draws + 1);

        var after = await page.HeatmapAsync("weights");
        var realAboveDiagonal = AboveDiagonal(after, skipColumn: j => after.Cols[j] == "<pad>").ToArray();
        Assert.NotEmpty(realAboveDiagonal);
        Assert.All(realAboveDiagonal, w => Assert.True(w > 0, $"a weight above the diagonal is {w}, expected > 0 without the causal mask"));
        Assert.Contains("causal mask is off", await page.Page.InnerTextAsync("#what-changed"));
        AssertClean(page);
    }

    [BrowserFact]
    public async Task A_script_sentence_stays_text()
    {
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync(fixture.Address);
        var scripts = await page.Page.EvaluateAsync<int>("() => document.scripts.length");
        var draws = await page.DrawsAsync();
        const string typed = "<script>alert(1)</script> <img src=x onerror=alert(2)> a";
        await page.Page.FillAsync("#source", typed);
        await page.Page.FillAsync("#max-length", "6");
        await page.WaitForDrawsAsync(draws + 1);
        await page.Page.WaitForFunctionAsync("() => window.playground.heatmaps['weights'].cols.length === 6");

        var weights = await page.HeatmapAsync("weights");
        Assert.Equal(["<script>alert(1)</script>", "<img", "src=x", "onerror=alert(2)>", "a", "<pad>"], weights.Cols);
        // The axis shows the words as text; no element was made of them and nothing ran.
        var ticks = await page.Page.Locator("#masks-figure .xtick text").AllTextContentsAsync();
        Assert.Contains("<script>alert(1)</script>", ticks);
        Assert.Equal(scripts, await page.Page.EvaluateAsync<int>("() => document.scripts.length"));
        Assert.Equal(0, await page.Page.Locator("img").CountAsync());
        Assert.Contains("read as <unk>", await page.Page.InnerTextAsync("#what-changed"));
        AssertClean(page);
    }

    [BrowserFact]
    public async Task Every_view_loads_without_console_errors_or_requests_off_the_machine()
    {
        foreach (var view in new[] { "masks", "decoding", "today" })
        {
            await using var page = await fixture.NewPageAsync();
            await page.OpenAsync(fixture.Address + "?view=" + view);
            Assert.True(page.Requests.Count > 5, $"{view}: only {page.Requests.Count} requests seen");
            AssertClean(page);
        }
    }

    private static IEnumerable<double> AboveDiagonal(HeatmapData h, Func<int, bool>? skipColumn = null)
    {
        for (int i = 0; i < h.Rows.Length; i++)
            for (int j = i + 1; j < h.Cols.Length; j++)
                if (skipColumn is null || !skipColumn(j))
                    yield return h.Cells[i][j]!.Value;
    }

    internal static void AssertClean(PlaygroundPage page)
    {
        Assert.True(page.Errors.Count == 0, "Errors on the page:\n" + string.Join("\n", page.Errors));
        Assert.True(page.Dialogs.Count == 0, "Dialogs on the page:\n" + string.Join("\n", page.Dialogs));
        var off = page.RequestsOffTheMachine.Concat(page.Blocked).ToArray();
        Assert.True(off.Length == 0, "Requests off the machine:\n" + string.Join("\n", off));
    }
}
