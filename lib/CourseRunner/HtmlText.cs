using System.Net;

namespace CourseRunner;

/// <summary>Text that goes into the book's HTML as text, never as markup.</summary>
internal static class HtmlText
{
    /// <summary>Escapes &lt;, &gt;, &amp; and quotes, so learner-typed text shows literally.</summary>
    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? "");
}
