using System.Reflection;
using MathNet.Numerics.LinearAlgebra;
using Plotly.NET;

namespace AttentionLab;

/// <summary>The notebooks' setup: one call that loads the library and checks that plotting works.</summary>
public static class Course
{
    /// <summary>
    /// Loads AttentionLab, MathNet.Numerics and Plotly.NET, draws a tiny chart to prove plotting
    /// works in this engine, and returns a one-line summary with the versions in use.
    /// Every notebook's setup cell calls it (setup of lesson 01 explains why).
    /// </summary>
    /// <exception cref="InvalidOperationException">Plotly.NET cannot run in this engine.</exception>
    public static string Ready()
    {
        FSharpCoreRedirect.Register();
        PlotlyJson.Register();
        try
        {
            _ = GenericChart.toFigureJson(Plot.Heatmap(Matrix<double>.Build.Dense(1, 1), "ready"));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException)
        {
            throw new InvalidOperationException(
                "Plotly.NET could not load in this notebook engine (" + e.Message + "). " +
                "Run the setup cell first, exactly as written, and restart the kernel if it still fails.", e);
        }
        return $"AttentionLab {VersionOf(typeof(Course))} ready: " +
               $"MathNet.Numerics {VersionOf(typeof(Matrix<double>))}, Plotly.NET {VersionOf(typeof(GenericChart))}";
    }

    private static string VersionOf(Type type)
    {
        var assembly = type.Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var version = informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString(3) ?? "?";
        return version;
    }
}
