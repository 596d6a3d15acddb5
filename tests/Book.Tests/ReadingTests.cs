using Xunit.Abstractions;

namespace Book.Tests;

/// <summary>
/// Every lesson page reads as a textbook at 800 and 1,280 pixels: nothing wider than the window (code
/// wraps, charts fit the column), chart titles whole, no empty band under a chart, the labels of a small
/// matrix level, C# coloured, and the "on this page" list and the
/// sidebar leading where they say.
/// </summary>
[Collection(BookCollection.Name)]
public sealed class ReadingTests(BookFixture book, ITestOutputHelper output)
{
    public static TheoryData<string, int> LessonsAtTwoWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (var path in Lessons.Paths)
        {
            data.Add(Path.GetFileNameWithoutExtension(path), 800);
            data.Add(Path.GetFileNameWithoutExtension(path), 1280);
        }

        return data;
    }

    [BrowserTheory]
    [MemberData(nameof(LessonsAtTwoWidths))]
    public async Task Nothing_is_wider_than_the_window_and_no_chart_title_is_cut(string lesson, int width)
    {
        var browser = await book.LessonPageAsync(lesson, width);
        var page = browser.Page;

        var wide = await page.EvaluateAsync<string[]>("""
            () => {
                const visible = document.documentElement.clientWidth;
                const too = [];
                if (document.documentElement.scrollWidth > visible) too.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px)`);
                for (const e of document.querySelectorAll('main *')) {
                    if (e.closest('svg')) continue;
                    const box = e.getBoundingClientRect();
                    if (box.width > 0 && (box.right > visible + 1 || box.left < -1)) {
                        too.push(`${e.tagName.toLowerCase()}.${e.className}: ${Math.round(box.left)}..${Math.round(box.right)} px`);
                    }
                    if (e.matches('pre, .output') && e.scrollWidth > e.clientWidth + 1) {
                        too.push(`${e.tagName.toLowerCase()}.${e.className} scrolls sideways: ${e.scrollWidth} px in ${e.clientWidth} px`);
                    }
                }
                return too.slice(0, 12);
            }
            """);
        Assert.True(wide.Length == 0, $"At {width} px:\n" + string.Join("\n", wide));

        var cut = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('.output.chart')].flatMap((chart, i) => {
                const svg = chart.querySelector('svg.main-svg');
                if (!svg) return [];
                const frame = svg.getBoundingClientRect();
                const titles = [...chart.querySelectorAll('.gtitle, .annotation-text')]
                    .filter(t => t.closest('.infolayer') || t.classList.contains('gtitle'));
                return titles.map(t => ({ t, box: t.getBoundingClientRect() }))
                    .filter(({ box }) => box.width > 0 && (box.left < frame.left - 1 || box.right > frame.right + 1 || box.top < frame.top - 1))
                    .map(({ t, box }) => `chart ${i + 1}: "${t.textContent}" ${Math.round(box.left)}..${Math.round(box.right)} in ${Math.round(frame.left)}..${Math.round(frame.right)}`);
            })
            """);
        Assert.True(cut.Length == 0, $"Chart titles cut at {width} px:\n" + string.Join("\n", cut));

        // Under a chart's lowest label (axis title, colour bar, slider) at most 60 px of empty figure; and a
        // matrix of tokens (query × key) small enough to fit the column keeps its key labels level.
        var loose = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('.output.chart .js-plotly-plot')].flatMap((chart, i) => {
                const box = chart.getBoundingClientRect();
                let lowest = box.top;
                chart.querySelectorAll('.main-svg text, .main-svg .nsewdrag, .main-svg .hm, .main-svg rect.slider-rail-rect')
                    .forEach(e => { const r = e.getBoundingClientRect(); if (r.width > 0 && r.height > 0) lowest = Math.max(lowest, r.bottom); });
                const title = (chart.querySelector('.gtitle') || {}).textContent || '';
                const problems = [];
                if (box.bottom - lowest > 60) problems.push(`chart ${i + 1} "${title}": ${Math.round(box.bottom - lowest)} px empty under it`);
                const keys = [...chart.querySelectorAll('.xtick text')];
                const turned = keys.filter(t => /rotate\((?!0)/.test(t.getAttribute('transform') || ''));
                if (keys.length > 0 && keys.length <= 12 && turned.length > 0)
                    problems.push(`chart ${i + 1} "${title}": ${turned.length} of its ${keys.length} column labels turned`);
                return problems;
            })
            """);
        Assert.True(loose.Length == 0, $"At {width} px:\n" + string.Join("\n", loose));
    }

    [BrowserTheory]
    [MemberData(nameof(Lessons.Names), MemberType = typeof(Lessons))]
    public async Task Code_is_coloured_without_a_script(string lesson)
    {
        var browser = await book.LessonPageAsync(lesson);
        var page = browser.Page;

        var keywords = await page.Locator("pre.source span.keyword").CountAsync();
        var lines = await page.Locator("pre.source span.line").CountAsync();
        output.WriteLine($"{lesson}: {keywords} keywords coloured in {lines} lines");
        Assert.True(keywords > 0, "No C# keyword is coloured.");
        var colour = await page.Locator("pre.source span.keyword").First.EvaluateAsync<string>("e => getComputedStyle(e).color");
        var plain = await page.Locator("pre.source").First.EvaluateAsync<string>("e => getComputedStyle(e).color");
        Assert.NotEqual(plain, colour);
        // The colours are in the HTML as written, not added by a script.
        var html = File.ReadAllText(Path.Combine(book.LessonBookFolder, lesson + ".html"));
        Assert.Contains("<span class=\"keyword\">", html);
    }

    [BrowserTheory]
    [MemberData(nameof(Lessons.Names), MemberType = typeof(Lessons))]
    public async Task On_this_page_lists_the_sections_and_every_link_leads_to_one(string lesson)
    {
        var browser = await book.LessonPageAsync(lesson);
        var page = browser.Page;

        var sections = await page.Locator("main section.markdown h2").CountAsync();
        var targets = await page.Locator(".page-toc a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.True(targets.Length >= sections, $"{sections} sections, {targets.Length} entries in \"On this page\".");
        foreach (var target in targets)
        {
            Assert.StartsWith("#", target);
            Assert.Equal(1, await page.Locator($"[id='{target[1..]}']").CountAsync());
        }

        // Each heading carries a link to itself; following one scrolls to it.
        var anchors = await page.Locator("main h2 > a.anchor, main h3 > a.anchor").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.Equal(await page.Locator("main section.markdown h2, main section.markdown h3").CountAsync(), anchors.Length);
        if (targets.Length > 0)
        {
            await page.Locator(".page-toc a").Last.ClickAsync();
            Assert.EndsWith(targets[^1], page.Url);
            // At the top of the window, unless the page ends before the heading can get there.
            var place = await page.Locator($"[id='{targets[^1][1..]}']").EvaluateAsync<double[]>(
                "e => [e.getBoundingClientRect().top, window.scrollY, document.documentElement.scrollHeight - window.innerHeight]");
            Assert.True(place[0] is >= 0 and <= 200 || (place[1] > 0 && Math.Abs(place[1] - place[2]) <= 2),
                $"The heading is {place[0]} px from the top of the window, scrolled {place[1]} of {place[2]} px.");
        }
    }

    [BrowserTheory]
    [MemberData(nameof(Lessons.Names), MemberType = typeof(Lessons))]
    public async Task The_sidebar_lists_every_lesson_and_marks_this_one(string lesson)
    {
        var browser = await book.LessonPageAsync(lesson);
        var page = browser.Page;

        var links = await page.Locator(".book-sidebar ol a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.Equal(book.Lessons.Runs.Select(r => BookWriter.PageFileName(r.Notebook)), links);
        Assert.Equal(lesson + ".html", await page.Locator(".book-sidebar a[aria-current='page']").GetAttributeAsync("href"));
    }
}
