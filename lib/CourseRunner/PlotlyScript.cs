using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace CourseRunner;

/// <summary>
/// plotly.js for the offline book, read from the copy Plotly.NET embeds in its assembly (the version
/// its charts ask for), so the book needs no CDN and the runner downloads nothing. The build copies
/// Plotly.NET.dll into the runner's plotly/ folder as a plain file; it is read as data, never loaded,
/// so the runner's own dependencies stay those of the real engine.
/// </summary>
public static class PlotlyScript
{
    /// <summary>The file name the book pages load: one local copy next to the pages.</summary>
    public const string FileName = "plotly.min.js";

    /// <summary>Where the build puts Plotly.NET.dll, relative to the runner's folder.</summary>
    public static string PlotlyNetAssemblyPath => Path.Combine(AppContext.BaseDirectory, "plotly", "Plotly.NET.dll");

    /// <summary>Writes plotly.js to <paramref name="path"/>.</summary>
    /// <exception cref="InvalidOperationException">Plotly.NET.dll is missing or embeds no plotly-*.min.js.</exception>
    public static void WriteTo(string path) => File.WriteAllBytes(path, Read(PlotlyNetAssemblyPath));

    /// <summary>The bytes of the plotly-*.min.js resource embedded in the assembly at <paramref name="assemblyPath"/>.</summary>
    public static byte[] Read(string assemblyPath)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new InvalidOperationException($"{assemblyPath} is missing; building CourseRunner copies it from the Plotly.NET package.");
        }

        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            var name = metadata.GetString(resource.Name);
            if (resource.Implementation.IsNil
                && name.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal)
                && name.EndsWith(".min.js", StringComparison.Ordinal))
            {
                // Embedded resources sit in the CLI resources block, each as a 4-byte length then the bytes.
                var block = pe.GetSectionData(pe.PEHeaders.CorHeader!.ResourcesDirectory.RelativeVirtualAddress);
                var reader = block.GetReader((int)resource.Offset, block.Length - (int)resource.Offset);
                return reader.ReadBytes(reader.ReadInt32());
            }
        }

        throw new InvalidOperationException($"{assemblyPath} embeds no plotly-*.min.js resource.");
    }
}
