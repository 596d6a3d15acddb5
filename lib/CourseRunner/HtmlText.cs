using System.Net;

namespace CourseRunner;

/// <summary>Text that goes into the book's HTML as text, never as markup.</summary>
internal static class HtmlText
{
    /// <summary>Escapes &lt;, &gt;, &amp; and quotes, so learner-typed text shows literally.</summary>
    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>
    /// A link to a file of the book, for an href: each path segment URL-encoded, then HTML-escaped, so a
    /// notebook named "javascript:alert(1).ipynb" links to "javascript%3Aalert%281%29.html", a relative file,
    /// never a script; a "#" or "?" in a name is part of the name.
    /// </summary>
    public static string Href(string fileName) =>
        Escape(string.Join("/", fileName.Split('/').Select(Uri.EscapeDataString)));
}
