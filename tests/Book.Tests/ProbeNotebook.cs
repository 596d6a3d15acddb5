using System.Text.Json.Nodes;

namespace Book.Tests;

/// <summary>
/// A notebook that probes what the book must get right whatever a lesson does. Its file name,
/// <c>javascript:alert(1).ipynb</c>, would be a script if it became a link as it is. Its Markdown holds
/// LaTeX; it plots a signed matrix beside a matrix of zeros; and it displays HTML that tries every way
/// out of the page it knows to a local listener: a form, links, an image, a meta refresh, a base
/// element, scripts and an event handler.
/// </summary>
public static class ProbeNotebook
{
    public const string FileName = "javascript:alert(1).ipynb";

    public const string PageFileName = "javascript:alert(1).html";

    /// <summary>Inline and displayed LaTeX, as the lessons write it.</summary>
    public const string Markdown =
        """
        # Probe · what the book must get right

        The scores are $QK^\top / \sqrt{d}$, and the weights of a row are

        $$
        \mathrm{softmax}(s)_j = \frac{e^{s_j}}{\sum_k e^{s_k}}
        $$

        ## Charts

        ## Outputs
        """;

    /// <summary>HTML that would send a request to <paramref name="listener"/> if anything of it worked.</summary>
    public static string HostileHtml(string listener) =>
        $"""
         <base href="{listener}base/">
         <meta http-equiv="refresh" content="0;url={listener}refresh">
         <form id="probe-form" action="{listener}form" method="get"><input name="q" value="1"><button id="probe-submit" type="submit">send</button></form>
         <a id="probe-link" href="{listener}link">a link out</a>
         <a id="probe-top" href="{listener}top" target="_top">a link that takes the page</a>
         <a id="probe-relative" href="relative">a relative link</a>
         <img src="{listener}img" alt="">
         <img src="x" alt="" onerror="location='{listener}onerror'">
         <script>fetch('{listener}fetch'); location.href = '{listener}script';</script>
         <p id="probe-text">probe output</p>
         """;

    /// <summary>Writes the notebook into <paramref name="folder"/> and returns its path.</summary>
    public static string Write(string folder, string listener)
    {
        Directory.CreateDirectory(folder);
        var cells = new JsonArray { LearnerTextNotebook.Markdown(Markdown) };
        foreach (var source in LearnerTextNotebook.SetupCells())
        {
            cells.Add(LearnerTextNotebook.Code(source));
        }

        cells.Add(LearnerTextNotebook.Code("""
            string[] tokens = ["a", "b", "c"];
            var signed = Matrix<double>.Build.DenseOfArray(new double[,] { { -2.5, 0, 1 }, { 0.5, -0.25, 2 }, { 1, 1.5, -1 } });
            Plot.Side("signed and constant", tokens, tokens, (signed, "scores"), (Matrix<double>.Build.Dense(3, 3), "difference"))
            """));
        cells.Add(LearnerTextNotebook.Markdown("Below, an output that tries to leave the page."));
        cells.Add(LearnerTextNotebook.Code($"display(HTML({System.Text.Json.JsonSerializer.Serialize(HostileHtml(listener))}));"));

        var path = Path.Combine(folder, FileName);
        File.WriteAllText(path, LearnerTextNotebook.Document(cells).ToJsonString());
        return path;
    }
}
