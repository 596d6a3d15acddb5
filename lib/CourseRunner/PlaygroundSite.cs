using System.Diagnostics;
using System.IO.Compression;

namespace CourseRunner;

/// <summary>
/// The live playground (lib/Playground, Blazor WebAssembly) as a static folder: `dotnet publish` of the app,
/// plus the book's own plotly.js (<see cref="PlotlyScript"/>) beside its index.html, compressed like the rest.
/// </summary>
public static class PlaygroundSite
{
    /// <summary>Where the published playground goes by default: artifacts/playground (its static folder: wwwroot/).</summary>
    public static string DefaultFolder(string root) => Path.Combine(root, "artifacts", "playground");

    /// <summary>The static folder inside a publish folder.</summary>
    public static string StaticFolder(string publishFolder) => Path.Combine(publishFolder, "wwwroot");

    private const string StampFileName = "published.stamp";

    /// <summary>True when the folder holds a publish newer than every source it came from.</summary>
    public static bool IsCurrent(string root, string publishFolder)
    {
        var stamp = Path.Combine(publishFolder, StampFileName);
        if (!File.Exists(stamp) || !File.Exists(Path.Combine(StaticFolder(publishFolder), PlotlyScript.FileName)))
        {
            return false;
        }

        var published = File.GetLastWriteTimeUtc(stamp);
        return Sources(root).All(file => File.GetLastWriteTimeUtc(file) <= published);
    }

    private static IEnumerable<string> Sources(string root) =>
        new[] { Path.Combine(root, "lib", "Playground"), Path.Combine(root, "lib", "AttentionLab") }
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                           && !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(Path.Combine(root, "data", "reverse-model.json"))
            .Append(Path.Combine(root, "data", "vocabulary.txt"));

    /// <summary>Publishes the playground into <paramref name="publishFolder"/> (Release, trimmed) and adds plotly.js. Returns the exit code.</summary>
    public static async Task<int> PublishAsync(string root, string publishFolder, TextWriter log, CancellationToken cancellationToken = default)
    {
        var project = Path.Combine(root, "lib", "Playground", "Playground.csproj");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { UseShellExecute = false };
        foreach (var argument in new[] { "publish", project, "-c", "Release", "-o", publishFolder, "--nologo" })
        {
            start.ArgumentList.Add(argument);
        }

        log.WriteLine($"Publishing the playground: dotnet publish lib/Playground -c Release -o {publishFolder}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start.");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            return process.ExitCode;
        }

        AddPlotly(StaticFolder(publishFolder));
        await File.WriteAllTextAsync(Path.Combine(publishFolder, StampFileName), DateTime.UtcNow.ToString("O"), cancellationToken);
        return 0;
    }

    /// <summary>Writes plotly.min.js (and its .br and .gz copies, as the publish does for every file) into the static folder.</summary>
    public static void AddPlotly(string staticFolder)
    {
        var path = Path.Combine(staticFolder, PlotlyScript.FileName);
        var bytes = PlotlyScript.Read(PlotlyScript.PlotlyNetAssemblyPath);
        File.WriteAllBytes(path, bytes);
        using (var br = new BrotliStream(File.Create(path + ".br"), CompressionLevel.SmallestSize))
        {
            br.Write(bytes);
        }

        using (var gz = new GZipStream(File.Create(path + ".gz"), CompressionLevel.SmallestSize))
        {
            gz.Write(bytes);
        }
    }
}
