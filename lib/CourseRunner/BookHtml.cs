namespace CourseRunner;

/// <summary>The frame every book page shares: doctype, stylesheet and a policy that keeps the page offline.</summary>
internal static class BookHtml
{
    /// <summary>The stylesheet's file name in the book folder.</summary>
    public const string StylesheetFileName = "book.css";

    /// <summary>The book's own script (sizes output frames, keeps the chart toolbar out of the way), in the book folder.</summary>
    public const string ScriptFileName = "book.js";

    /// <summary>
    /// The page's Content-Security-Policy: scripts, styles and images only from the book's own folder
    /// (or inline, for the charts), no connections, no form submission and no &lt;base&gt; element, so
    /// opening the book sends no request off the machine even if an output tried to. Frames may only be
    /// the book's own sandboxed output frames (srcdoc, which no frame-src can block), never a navigation.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'none'; frame-src 'none'; "
        + "form-action 'none'; base-uri 'none'";

    /// <summary>A complete HTML page.</summary>
    public static string Page(string title, string headScripts, string body) =>
        $"""
         <!DOCTYPE html>
         <html lang="en">
         <head>
         <meta charset="utf-8">
         <meta name="viewport" content="width=device-width, initial-scale=1">
         <meta http-equiv="Content-Security-Policy" content="{ContentSecurityPolicy}">
         <title>{HtmlText.Escape(title)}</title>
         <link rel="stylesheet" href="{StylesheetFileName}">
         {headScripts}</head>
         <body>
         {body}
         </body>
         </html>

         """;
}
