using System.Net;
using System.Text.RegularExpressions;
using Jint;

namespace CourseRunner;

/// <summary>
/// LaTeX in the lessons' Markdown (<c>$…$</c> inline, <c>$$…$$</c> displayed) becomes MathML when the
/// book is written, so a page shows its maths with no script, no font download and a strict
/// Content-Security-Policy. The conversion is Temml's (MIT, vendored in Math/), run by Jint, a
/// JavaScript interpreter written in .NET: nothing to install beyond the .NET SDK.
/// </summary>
internal static partial class MathRenderer
{
    private static readonly Lazy<Engine> Temml = new(Start);
    private static readonly Lock Gate = new();

    /// <summary>
    /// Starts Temml in the background (it takes seconds to load), so that it is ready when the book is
    /// written: the course run calls this while the notebooks run in their worker process.
    /// </summary>
    public static void Prepare() => _ = Task.Run(() => Temml.Value);

    /// <summary>Replaces the math spans and blocks Markdig wrote (<c>class="math"</c>) with MathML.</summary>
    public static string ToMathMl(string html)
    {
        if (!html.Contains("class=\"math\"", StringComparison.Ordinal))
        {
            return html;
        }

        html = DisplayMath().Replace(html, m => $"<div class=\"math display\">{Render(m.Groups["tex"].Value, display: true)}</div>");
        return InlineMath().Replace(html, m => $"<span class=\"math\">{Render(m.Groups["tex"].Value, display: false)}</span>");
    }

    /// <summary>One formula as MathML; a formula Temml cannot read shows as its LaTeX, marked as an error, never lost.</summary>
    private static string Render(string escapedTex, bool display)
    {
        var tex = WebUtility.HtmlDecode(escapedTex).Trim();
        try
        {
            lock (Gate)
            {
                var engine = Temml.Value;
                engine.SetValue("tex", tex);
                engine.SetValue("display", display);
                return engine.Evaluate("temml.renderToString(tex, { displayMode: display, throwOnError: true, trust: false, xml: false })").AsString();
            }
        }
        catch (Exception e) when (e is Jint.Runtime.JavaScriptException or InvalidOperationException)
        {
            return $"<code class=\"math-error\" title=\"{HtmlText.Escape(e.Message)}\">{HtmlText.Escape(tex)}</code>";
        }
    }

    private static Engine Start()
    {
        using var stream = typeof(MathRenderer).Assembly.GetManifestResourceStream("CourseRunner.Math.temml.min.js")
                           ?? throw new InvalidOperationException("The runner is missing its embedded temml.min.js.");
        using var reader = new StreamReader(stream);
        var engine = new Engine(options => options.LimitRecursion(2000).TimeoutInterval(TimeSpan.FromSeconds(10)));
        engine.Execute(reader.ReadToEnd());
        return engine;
    }

    /// <summary>Markdig's display maths: <c>&lt;div class="math"&gt;\[…\]&lt;/div&gt;</c>.</summary>
    [GeneratedRegex(@"<div class=""math"">\s*\\\[(?<tex>.*?)\\\]\s*</div>", RegexOptions.Singleline)]
    private static partial Regex DisplayMath();

    /// <summary>Markdig's inline maths: <c>&lt;span class="math"&gt;\(…\)&lt;/span&gt;</c>.</summary>
    [GeneratedRegex(@"<span class=""math"">\\\((?<tex>.*?)\\\)</span>", RegexOptions.Singleline)]
    private static partial Regex InlineMath();
}
