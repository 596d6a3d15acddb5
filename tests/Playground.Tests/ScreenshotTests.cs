namespace Playground.Tests;

/// <summary>
/// The playground's picture for the README and environment.md: the masks page, decoder self-attention with the
/// combined mask, at 1400×900. Written to artifacts/screenshots/playground.png; to refresh the committed copy,
/// run this test and copy it to docs/screenshots/.
/// </summary>
[Collection(PlaygroundCollection.Name)]
public sealed class ScreenshotTests(PlaygroundFixture fixture)
{
    [BrowserFact]
    public async Task Screenshot_of_the_masks_page()
    {
        await using var page = await fixture.NewPageAsync();
        await page.OpenAsync(fixture.Address + "?source=a%20b%20c&target=g%20f%20h&maxLength=5&attention=decoder&masks=padding");
        var draws = await page.DrawsAsync();
        await page.Page.SelectOptionAsync("#masks", "Both");
        await page.WaitForDrawsAsync(draws + 1);

        var folder = Path.Combine(PlaygroundFixture.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "playground.png");
        var height = await page.Page.EvaluateAsync<double>("() => document.querySelector('.panels').getBoundingClientRect().bottom + 10");
        await page.Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = path,
            Type = ScreenshotType.Png,
            Animations = ScreenshotAnimations.Disabled,
            Clip = new Clip { X = 0, Y = 0, Width = 1400, Height = (float)height },
        });
        Assert.True(new FileInfo(path).Length > 10_000, $"{path} is suspiciously small.");
        MasksPageTests.AssertClean(page);
    }
}
