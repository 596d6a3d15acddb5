using Xunit.Abstractions;

namespace Playground.Tests;

/// <summary>
/// The playground's figures, measured in the page and written to the test output (never asserted as times):
/// the first render from a cold cache, the bytes served for it, and an update for sentences of 8 and 16 tokens.
/// PLAYGROUND_STATIC_FOLDER=artifacts/playground/wwwroot measures the Release publish.
/// </summary>
[Collection(PlaygroundCollection.Name)]
public sealed class FiguresTests(PlaygroundFixture fixture, ITestOutputHelper output)
{
    private const string TypeAndWait =
        """
        async text => {
          const input = document.getElementById('source');
          const before = Number(document.body.dataset.draws || 0);
          const drawn = new Promise(resolve => new MutationObserver((_, observer) => {
            if (Number(document.body.dataset.draws || 0) > before) { observer.disconnect(); resolve(); }
          }).observe(document.body, { attributes: true }));
          const started = performance.now();
          input.value = text;
          input.dispatchEvent(new Event('input', { bubbles: true }));
          await drawn;
          return performance.now() - started;
        }
        """;

    private static async Task<double> MainThreadSecondsAsync(ICDPSession cdp)
    {
        var metrics = await cdp.SendAsync("Performance.getMetrics");
        return metrics!.Value.GetProperty("metrics").EnumerateArray()
            .Single(m => m.GetProperty("name").GetString() == "TaskDuration").GetProperty("value").GetDouble();
    }

    [BrowserTheory]
    [InlineData(16)]
    [InlineData(8)]
    public async Task Sentences_update_on_every_keystroke(int tokens)
    {
        await using var page = await fixture.NewPageAsync();
        // The page's main-thread CPU time (Chromium's own metrics in thread time): what the wall-clock times
        // would be on a quiet machine, where nothing else takes the cores.
        var cdp = await page.Page.Context.NewCDPSessionAsync(page.Page);
        await cdp.SendAsync("Performance.enable", new Dictionary<string, object> { ["timeDomain"] = "threadTicks" });
        var sent = fixture.Server.BytesSent;
        await page.OpenAsync(fixture.Address + $"?maxLength={tokens}&masks=both");
        var loadCpu = await MainThreadSecondsAsync(cdp);
        var firstDraw = await page.Page.EvaluateAsync<double>("() => window.playground.firstDrawAt");
        var marks = await page.Page.EvaluateAsync<double[]>(
            "() => ['dotnet-running', 'model-read'].map(n => performance.getEntriesByName(n)[0]?.startTime ?? -1)");
        output.WriteLine($"first render: {firstDraw:0} ms from navigation start (cold cache; .NET running at {marks[0]:0} ms, "
                         + $"model read at {marks[1]:0} ms), {(fixture.Server.BytesSent - sent) / 1e6:0.00} MB served; "
                         + $"main-thread CPU time until then {loadCpu * 1000:0} ms");

        var before = await MainThreadSecondsAsync(cdp);
        var letters = "abcdefghijklmnopqrstuvwxyz";
        var times = new List<double>();
        var draws = new List<double>();
        for (int k = 0; k < 12; k++)
        {
            var sentence = string.Join(" ", Enumerable.Range(0, tokens).Select(i => letters[(i * 7 + k) % 26]));
            times.Add(await page.Page.EvaluateAsync<double>(TypeAndWait, sentence));
            draws.Add(await page.Page.EvaluateAsync<double>("() => window.playground.lastDrawMs"));
            var weights = await page.HeatmapAsync("weights");
            Assert.Equal(sentence.Split(' '), weights.Cols);
        }

        var updateCpu = (await MainThreadSecondsAsync(cdp) - before) / times.Count;
        times.Sort();
        draws.Sort();
        output.WriteLine($"update, {tokens} tokens (input event → three heatmaps drawn): median {times[times.Count / 2]:0} ms, "
                         + $"max {times[^1]:0} ms, min {times[0]:0} ms over {times.Count}; of which plotly.js drawing: median {draws[draws.Count / 2]:0} ms; "
                         + await page.Page.InnerTextAsync("#timing") + $"; main-thread CPU time per update {updateCpu * 1000:0} ms");
        MasksPageTests.AssertClean(page);
    }
}
