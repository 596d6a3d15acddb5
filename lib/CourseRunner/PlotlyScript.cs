namespace CourseRunner;

/// <summary>
/// plotly.js for the offline book, taken from the copy Plotly.NET embeds in its assembly (the same
/// version its charts ask for), so the book never needs a CDN and the runner never downloads anything.
/// </summary>
public static class PlotlyScript
{
    /// <summary>The file name the book pages load: one local copy next to the pages.</summary>
    public const string FileName = "plotly.min.js";

    /// <summary>Writes plotly.js to <paramref name="path"/>.</summary>
    /// <exception cref="InvalidOperationException">Plotly.NET carries no embedded plotly.js.</exception>
    public static void WriteTo(string path)
    {
        var assembly = typeof(Plotly.NET.Trace).Assembly;
        var resource = assembly.GetManifestResourceNames()
                           .Where(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal)
                                       && n.EndsWith(".min.js", StringComparison.Ordinal))
                           .SingleOrDefault()
                       ?? throw new InvalidOperationException(
                           $"{assembly.GetName().Name} {assembly.GetName().Version} has no embedded plotly-*.min.js resource.");

        using var source = assembly.GetManifestResourceStream(resource)!;
        using var target = File.Create(path);
        source.CopyTo(target);
    }
}
