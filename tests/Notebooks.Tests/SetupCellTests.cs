using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Notebooks.Tests;

/// <summary>
/// The setup cells of every lesson pin exactly the package versions of Directory.Packages.props, and a
/// lesson that loads the library first checks that it has been built, naming the command to run.
/// </summary>
[Trait("Category", "InProcess")]
public sealed partial class SetupCellTests
{
    [Theory]
    [MemberData(nameof(LessonNotebooks.FileNames), MemberType = typeof(LessonNotebooks))]
    public void Lesson_pins_the_package_versions_of_Directory_Packages_props(string notebook)
    {
        if (LessonNotebooks.PathOf(notebook) is not { } path)
        {
            return;
        }

        var central = CentralVersions();
        var problems = new List<string>();
        foreach (var cell in NotebookFile.Load(path).Cells.Where(c => c.Kind == CellKind.Code))
        {
            foreach (Match reference in NuGetReference().Matches(cell.Source))
            {
                var (name, version) = (reference.Groups["name"].Value, reference.Groups["version"].Value);
                if (version.Length == 0)
                {
                    problems.Add($"cell {cell.Number}: {name} has no version (pin it)");
                }
                else if (!central.TryGetValue(name, out var expected))
                {
                    problems.Add($"cell {cell.Number}: {name} is not in Directory.Packages.props");
                }
                else if (version != expected)
                {
                    problems.Add($"cell {cell.Number}: {name} {version}, but Directory.Packages.props says {expected}");
                }
            }
        }

        Assert.True(problems.Count == 0, $"{notebook}:\n" + string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(LessonNotebooks.FileNames), MemberType = typeof(LessonNotebooks))]
    public void Lesson_checks_the_library_is_built_before_loading_it(string notebook)
    {
        if (LessonNotebooks.PathOf(notebook) is not { } path)
        {
            return;
        }

        var code = NotebookFile.Load(path).Cells.Where(c => c.Kind == CellKind.Code).ToArray();
        var load = Array.FindIndex(code, c => c.Source.Contains("AttentionLab/bin/AttentionLab.dll\"", StringComparison.Ordinal)
                                              && c.Source.Contains("#r", StringComparison.Ordinal));
        if (load < 0)
        {
            return; // This lesson does not use the library.
        }

        var check = Array.FindIndex(code, c => c.Source.Contains("File.Exists(", StringComparison.Ordinal)
                                               && c.Source.Contains("dotnet build lib/AttentionLab", StringComparison.Ordinal));
        Assert.True(check >= 0 && check < load,
            $"{notebook} loads the library in cell {code[load].Number} without first checking that it exists " +
            "(a cell with File.Exists(\"../lib/AttentionLab/bin/AttentionLab.dll\") that names `dotnet build lib/AttentionLab`).");
    }

    [Fact]
    public void NuGet_references_are_read_with_and_without_versions()
    {
        var matches = NuGetReference().Matches("#r \"nuget: MathNet.Numerics, 5.0.0\"\n#r \"nuget:Plotly.NET.CSharp\"");

        Assert.Equal(["MathNet.Numerics 5.0.0", "Plotly.NET.CSharp "],
            matches.Select(m => $"{m.Groups["name"].Value} {m.Groups["version"].Value}"));
    }

    private static Dictionary<string, string> CentralVersions() =>
        XDocument.Load(Repository.PackagesProps)
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex(@"#r\s+""nuget:\s*(?<name>[^,""\s]+)\s*(,\s*(?<version>[^""\s]+))?\s*""")]
    private static partial Regex NuGetReference();
}
