using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace CourseRunner;

/// <summary>
/// Renders a notebook's Markdown cells for the book with Markdig. Raw HTML in the Markdown is shown
/// as text (a lesson can mention <c>&lt;script&gt;</c> safely), links to other notebooks point to
/// their book pages, and links with schemes other than http, https and mailto are dropped.
/// </summary>
public static class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseTaskLists()
        .UseMathematics()
        .UseAutoIdentifiers()
        .DisableHtml()
        .Build();

    /// <summary>Parses Markdown with the book's pipeline (raw HTML disabled).</summary>
    public static MarkdownDocument Parse(string markdown) => Markdown.Parse(markdown, Pipeline);

    /// <summary>The HTML for a Markdown cell.</summary>
    public static string ToHtml(string markdown)
    {
        var document = Parse(markdown);
        foreach (var link in document.Descendants<LinkInline>())
        {
            link.Url = BookUrl(link.Url);
        }

        foreach (var link in document.Descendants<AutolinkInline>())
        {
            link.Url = BookUrl(link.Url) ?? "#";
        }

        return document.ToHtml(Pipeline);
    }

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
