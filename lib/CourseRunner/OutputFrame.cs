namespace CourseRunner;

/// <summary>
/// Raw HTML that a cell displayed (a formatter's table, or anything a notebook chooses to show) is put in
/// a sandboxed frame: no script runs in it, no form is sent from it, it cannot navigate the page, and its
/// own Content-Security-Policy (on top of the page's, which a srcdoc frame inherits) allows no request.
/// The frame keeps the page's origin only so that the book's script can size it to its content.
/// </summary>
internal static class OutputFrame
{
    /// <summary>The policy inside the frame: inline styles and data: images only; nothing else loads or is sent.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; frame-src 'none'";

    private const string Style =
        "body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;overflow-wrap:anywhere}"
        + "table{border-collapse:collapse}th,td{border:1px solid #d1d9e0;padding:2px 8px;text-align:left;vertical-align:top}"
        + "th{background:#f6f8fa}pre,code{font:13px/1.45 ui-monospace,'DejaVu Sans Mono',monospace;white-space:pre-wrap}";

    /// <summary>The iframe element that shows <paramref name="html"/> (escaped into its srcdoc attribute).</summary>
    public static string Of(string html)
    {
        var document = "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                       + $"<meta http-equiv=\"Content-Security-Policy\" content=\"{ContentSecurityPolicy}\">"
                       // A link in the output opens a new window, which the sandbox forbids: the output stays in view.
                       + "<base target=\"_blank\">"
                       + $"<style>{Style}</style></head><body>{html}</body></html>";
        return $"<iframe class=\"output-frame\" sandbox=\"allow-same-origin\" title=\"Cell output\" srcdoc=\"{HtmlText.Escape(document)}\"></iframe>";
    }
}
