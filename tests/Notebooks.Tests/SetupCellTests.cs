using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Notebooks.Tests;

/// <summary>
/// The setup cell of every lesson pins exactly the package versions of Directory.Packages.props, and it
/// checks that the library has been built, naming the command to run, before it loads it.
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
    public void Lesson_sets_up_in_one_cell_that_checks_the_library_is_built_before_loading_it(string notebook)
    {
        if (LessonNotebooks.PathOf(notebook) is not { } path)
        {
            return;
        }

        var code = NotebookFile.Load(path).Cells.Where(c => c.Kind == CellKind.Code).ToArray();
        var loads = code.Where(c => c.Source.Contains("#r \"../lib/AttentionLab/bin/AttentionLab.dll\"", StringComparison.Ordinal)).ToArray();
        if (loads.Length == 0)
        {
            return; // This lesson does not use the library.
        }

        var setups = code.Where(c => c.Source.TrimStart().StartsWith("// Setup", StringComparison.Ordinal)).ToArray();
        Assert.True(setups.Length == 1 && loads.Length == 1 && setups[0] == loads[0],
            $"{notebook}: expected one setup cell (starting \"// Setup\") that loads the library; found {setups.Length} setup " +
            $"cell(s), and the library loaded in cell(s) {string.Join(", ", loads.Select(c => c.Number))}.");
        var source = setups[0].Source;
        int check = source.IndexOf("File.Exists(\"../lib/AttentionLab/bin/AttentionLab.dll\")", StringComparison.Ordinal);
        int command = source.IndexOf("dotnet build lib/AttentionLab", StringComparison.Ordinal);
        int split = source.IndexOf("\n#!csharp\n", StringComparison.Ordinal);
        int load = source.IndexOf("#r \"", StringComparison.Ordinal);
        Assert.True(check >= 0 && command >= 0 && split > Math.Max(check, command) && load > split,
            $"{notebook}: the setup cell must first check File.Exists(\"../lib/AttentionLab/bin/AttentionLab.dll\") and name " +
            "`dotnet build lib/AttentionLab`, then, after a line `#!csharp`, load the packages and the library.");
    }

    [Fact]
    public async Task The_setup_cell_without_a_built_library_names_the_build_command_and_loads_nothing()
    {
        var lesson = NotebookFile.Load(LessonNotebooks.PathOf("01-attention-scores.ipynb")
                                       ?? throw new InvalidOperationException("lesson 01 is missing"));
        var setup = lesson.Cells.Single(c => c.Source.TrimStart().StartsWith("// Setup", StringComparison.Ordinal));
        var folder = Path.Combine(Repository.NewTempFolder("setup"), "notebooks"); // no ../lib beside it
        Directory.CreateDirectory(folder);
        var notebook = Path.Combine(folder, "setup.ipynb");
        File.WriteAllText(notebook, TwoCellNotebook(setup.Source, "\"after the setup\""));

        var report = await CourseRun.RunAsync([notebook], Path.Combine(folder, "book"), new ExecutionOptions());

        var run = report.Runs.Single();
        Assert.Equal(CellStatus.Failed, run.Cells[0].Status);
        Assert.Contains("The course library is not built yet", run.FailureSummary);
        Assert.Contains("dotnet build lib/AttentionLab", run.FailureSummary);
        Assert.DoesNotContain("CS0006", run.FailureSummary); // the #r after #!csharp never ran
        Assert.Equal(CellStatus.NotRun, run.Cells[1].Status);
    }

    private static string TwoCellNotebook(params string[] sources) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            cells = sources.Select(s => new
            {
                cell_type = "code",
                execution_count = (int?)null,
                metadata = new { polyglot_notebook = new { kernelName = "csharp" } },
                outputs = Array.Empty<object>(),
                source = s,
            }),
            metadata = new
            {
                kernelspec = new { display_name = ".NET (C#)", language = "C#", name = ".net-csharp" },
                polyglot_notebook = new { kernelInfo = new { defaultKernelName = "csharp" } },
            },
            nbformat = 4,
            nbformat_minor = 4,
        });

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
