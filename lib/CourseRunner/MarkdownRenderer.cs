using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace CourseRunner;

/// <summary>
/// Renders a notebook's Markdown cells for the book with Markdig. Raw HTML in the Markdown is shown
/// as text (a lesson can mention <c>&lt;script&gt;</c> safely), links to other notebooks point to
/// their book pages, links with schemes other than http, https and mailto are dropped, and LaTeX
/// (<c>$…$</c>, <c>$$…$$</c>) becomes MathML (<see cref="MathRenderer"/>).
/// </summary>
public static partial class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseTaskLists()
        .UseMathematics()
        .DisableHtml()
        .Build();

    /// <summary>Parses Markdown with the book's pipeline (raw HTML disabled).</summary>
    public static MarkdownDocument Parse(string markdown) => Markdown.Parse(markdown, Pipeline);

    /// <summary>The HTML for a Markdown cell.</summary>
    public static string ToHtml(string markdown) => ToHtml(markdown, null);

    /// <summary>
    /// The HTML for a Markdown cell of a page: every heading gets an id unique on the page (from its text)
    /// and a link to itself, and is added to <paramref name="headings"/> for the page's table of contents.
    /// </summary>
    public static string ToHtml(string markdown, PageHeadings? headings)
    {
        var document = Parse(markdown);
        if (headings is not null)
        {
            foreach (var heading in document.Descendants<HeadingBlock>())
            {
                var text = heading.Inline is null ? "" : string.Concat(heading.Inline.Descendants<LeafInline>().Select(PlainText));
                heading.GetAttributes().Id = headings.NewId(text);
            }
        }

        foreach (var link in document.Descendants<LinkInline>())
        {
            link.Url = BookUrl(link.Url);
        }

        foreach (var link in document.Descendants<AutolinkInline>())
        {
            link.Url = BookUrl(link.Url) ?? "#";
        }

        var html = MathRenderer.ToMathMl(document.ToHtml(Pipeline));
        return headings is null ? html : HeadingTag().Replace(html, m =>
        {
            int level = m.Groups["level"].Value[0] - '0';
            string id = m.Groups["id"].Value, inner = m.Groups["inner"].Value;
            headings.Add(level, id, TagOrMath().Replace(inner, ""));
            return $"<h{level} id=\"{id}\">{inner}<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{level}>";
        });
    }

    private static string PlainText(LeafInline inline) => inline switch
    {
        LiteralInline literal => literal.Content.ToString(),
        CodeInline code => code.Content,
        _ => "",
    };

    /// <summary>A heading as Markdig writes it once its id is set: the id is ours, letters, digits and dashes only.</summary>
    [GeneratedRegex(@"<h(?<level>[1-6]) id=""(?<id>[a-z0-9-]+)"">(?<inner>.*?)</h\k<level>>", RegexOptions.Singleline)]
    private static partial Regex HeadingTag();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex TagOrMath();

    /// <summary>The inline HTML of a short piece of Markdown (a list item, a summary line), without the paragraph.</summary>
    public static string InlineHtml(string markdown)
    {
        var html = ToHtml(markdown).Trim();
        return html.StartsWith("<p>", StringComparison.Ordinal) && html.EndsWith("</p>", StringComparison.Ordinal)
            ? html[3..^4]
            : html;
    }

    /// <summary>"02-padding-mask.ipynb#x" becomes "02-padding-mask.html#x"; unsafe schemes become "#".</summary>
    private static string? BookUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return url;
        }

        var colon = url.IndexOf(':');
        var slash = url.IndexOfAny(['/', '?', '#']);
        var hasScheme = colon > 0 && (slash < 0 || colon < slash);
        if (hasScheme)
        {
            var scheme = url[..colon].ToLowerInvariant();
            return scheme is "http" or "https" or "mailto" ? url : "#";
        }

        var hash = url.IndexOf('#');
        var path = hash < 0 ? url : url[..hash];
        var fragment = hash < 0 ? "" : url[hash..];
        return path.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)
            ? Path.GetFileName(path)[..^".ipynb".Length] + ".html" + fragment
            : url;
    }
}

/// <summary>The headings of one book page, in order, each with an id unique on the page: its table of contents.</summary>
public sealed partial class PageHeadings
{
    private readonly HashSet<string> _ids = [];
    private readonly List<(int Level, string Id, string Html)> _entries = [];

    /// <summary>Ids already used on the page (e.g. "cell-3"), which no heading may take.</summary>
    public PageHeadings(IEnumerable<string>? reserved = null)
    {
        foreach (var id in reserved ?? [])
        {
            _ids.Add(id);
        }
    }

    /// <summary>The headings seen so far: level (1–6), id, and text as HTML (tags removed, entities kept).</summary>
    public IReadOnlyList<(int Level, string Id, string Html)> Entries => _entries;

    /// <summary>An id made from <paramref name="text"/> ("The padding mask" → "the-padding-mask"), "-2", "-3" when taken.</summary>
    public string NewId(string text)
    {
        var slug = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var id = slug.ToString().Trim('-');
        id = id.Length == 0 ? "section" : id.Length > 60 ? id[..60].TrimEnd('-') : id;
        var unique = id;
        for (var n = 2; !_ids.Add(unique); n++)
        {
            unique = $"{id}-{n}";
        }

        return unique;
    }

    /// <summary>Records a heading rendered with <paramref name="id"/>.</summary>
    public void Add(int level, string id, string html) => _entries.Add((level, id, html.Trim()));
}
