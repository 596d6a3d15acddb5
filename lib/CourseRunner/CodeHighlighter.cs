using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ColorCode;

namespace CourseRunner;

/// <summary>
/// C# code for the book, coloured when the book is written (ColorCode), so a page needs no script to
/// show it. Each source line becomes one block that wraps with a hanging indent: a long line continues
/// under itself, indented, and never makes the reader scroll sideways.
/// </summary>
internal static partial class CodeHighlighter
{
    private static readonly HtmlClassFormatter Formatter = new();

    /// <summary>How far a wrapped line's continuation sits right of its first line, in characters.</summary>
    public const int HangingIndent = 4;

    /// <summary>The highlighted lines of <paramref name="source"/>: one block <c>span.line</c> per line, every colour span closed and reopened at line ends.</summary>
    public static string Lines(string source)
    {
        source = source.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');
        string highlighted;
        try
        {
            highlighted = Inner(Formatter.GetHtmlString(source, Languages.CSharp));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            highlighted = WebUtility.HtmlEncode(source); // never lose the code for want of colours
        }

        var htmlLines = highlighted.Split('\n');
        var sourceLines = source.Split('\n');
        if (htmlLines.Length != sourceLines.Length)
        {
            htmlLines = sourceLines.Select(line => WebUtility.HtmlEncode(line)).ToArray();
        }

        var result = new StringBuilder();
        var open = new List<string>(); // span tags still open at the end of the previous line
        for (var i = 0; i < htmlLines.Length; i++)
        {
            var indent = sourceLines[i].Length - sourceLines[i].TrimStart(' ').Length;
            result.Append($"<span class=\"line\" style=\"--indent:{indent}\">");
            foreach (var tag in open)
            {
                result.Append(tag);
            }

            result.Append(htmlLines[i]);
            foreach (Match tag in SpanTag().Matches(htmlLines[i]))
            {
                if (tag.Value == "</span>")
                {
                    if (open.Count > 0)
                    {
                        open.RemoveAt(open.Count - 1);
                    }
                }
                else
                {
                    open.Add(tag.Value);
                }
            }

            result.Append(string.Concat(Enumerable.Repeat("</span>", open.Count)));
            result.Append("</span>"); // block spans: no newline between them, or pre-wrap would show it as a blank line
        }

        return result.ToString();
    }

    /// <summary>ColorCode's HTML without its wrapping <c>&lt;div&gt;&lt;pre&gt;</c>.</summary>
    private static string Inner(string html)
    {
        var start = html.IndexOf("<pre>", StringComparison.Ordinal);
        var end = html.LastIndexOf("</pre>", StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new FormatException("Unexpected highlighter output.");
        }

        var inner = html[(start + "<pre>".Length)..end];
        if (inner.StartsWith('\n'))
        {
            inner = inner[1..];
        }

        return inner.EndsWith('\n') ? inner[..^1] : inner;
    }

    [GeneratedRegex(@"<span[^>]*>|</span>")]
    private static partial Regex SpanTag();
}
