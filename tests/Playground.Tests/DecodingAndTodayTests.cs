using AttentionLab;

namespace Playground.Tests;

/// <summary>The decoding page and the page of today's masks in Chromium.</summary>
[Collection(PlaygroundCollection.Name)]
public sealed class DecodingAndTodayTests(PlaygroundFixture fixture)
{
    [BrowserTheory]
    [InlineData("a b c")]
    [InlineData("h g e d b")]
    public async Task The_decoding_stepper_decodes_the_tokens_GreedyDecoder_decodes(string source)
    {
        var data = Path.Combine(PlaygroundFixture.Root, "data");
        var vocabulary = Vocabulary.Load(Path.Combine(data, "vocabulary.txt"));
        var model = Transformer.FromStateDict(StateDict.Load(Path.Combine(data, "reverse-model.json")),
            new TransformerConfig(vocabulary.Count, vocabulary.Count, ModelWidth: 32, Heads: 4, FeedForwardWidth: 64,
                EncoderLayers: 1, DecoderLayers: 2, MaxLength: 32));
        var expected = vocabulary.ToTokens(GreedyDecoder.Decode(model, Vocabulary.PadTo(vocabulary.Encode(source), 5), 8).Tokens);

        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync(fixture.Address + "?view=decoding&maxLength=5&source=" + Uri.EscapeDataString(source));
        Assert.Equal(string.Join(" ", expected), await page.Page.GetAttributeAsync("#decoded", "data-tokens"));

        // Step from the first token to the last: one more row of the mask and of the cache each step.
        var draws = await page.DrawsAsync();
        await page.Page.Locator("#step").FillAsync("1");
        await page.WaitForDrawsAsync(++draws);
        for (int step = 1; step <= expected.Length; step++)
        {
            var mask = await page.HeatmapAsync("decode-mask");
            Assert.Equal(step, mask.Rows.Length);
            Assert.Equal(step, (await page.HeatmapAsync("decode-cache")).Rows.Length);
            var shown = await page.Page.Locator("#decoded span").AllTextContentsAsync();
            Assert.Equal(expected.Take(step), shown);
            if (step < expected.Length)
            {
                await page.Page.ClickAsync("#step-next");
                await page.WaitForDrawsAsync(++draws);
            }
        }

        MasksPageTests.AssertClean(page);
    }

    [BrowserFact]
    public async Task The_sliding_window_plan_skips_the_blocks_the_window_hides()
    {
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync(fixture.Address + "?view=today&mask=slidingwindow&length=12&window=3&block=4");
        var plan = await page.Page.EvaluateAsync<string[][]>("() => document.getElementById('today-plan').blockPlan.work");
        var expected = Mask.SlidingWindow(12, 3).Plan(4, 4);
        for (int q = 0; q < 3; q++)
            for (int k = 0; k < 3; k++)
                Assert.Equal(expected.Work[q, k] switch { BlockWork.Skipped => "skipped", BlockWork.Masked => "partial", _ => "full" }, plan[q][k]);
        Assert.Contains("skipped", await page.Page.InnerTextAsync("#what-changed"));
        MasksPageTests.AssertClean(page);
    }
}
