using System.Text.Json.Nodes;

namespace Book.Tests;

/// <summary>
/// A small notebook whose vocabulary has markup as a token, <c>&lt;script&gt;alert(1)&lt;/script&gt;</c>:
/// it prints the token, returns it (as text, and in an array the formatter shows as an HTML table) and
/// plots a heatmap labelled with it. It starts with lesson 01's setup
/// cells, with the library's relative path made absolute, since the notebook lives outside notebooks/.
/// </summary>
public static class LearnerTextNotebook
{
    public const string Token = "<script>alert(1)</script>";

    public const string FileName = "99-learner-text.ipynb";

    public const string PageFileName = "99-learner-text.html";

    /// <summary>Writes the notebook into <paramref name="folder"/> and returns its path.</summary>
    public static string Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var cells = new JsonArray { Markdown($"# 99 · Tokens are text\n\nA learner may type anything as a token, even `{Token}`.") };
        foreach (var source in SetupCells())
        {
            cells.Add(Code(source));
        }

        cells.Add(Code($$"""
            var vocabulary = new Vocabulary(["{{Token}}", "b"]);
            var tokens = vocabulary.ToTokens(vocabulary.Encode("{{Token}} b"));
            Console.WriteLine(string.Join(" ", tokens));
            """));
        cells.Add(Code("tokens[0]"));
        cells.Add(Code("tokens"));
        cells.Add(Code("""
            var weights = Matrix<double>.Build.DenseOfArray(new double[,] { { 0.75, 0.25 }, { 0.5, 0.5 } });
            Plot.Heatmap(weights, tokens, tokens, "weights")
            """));

        var path = Path.Combine(folder, FileName);
        File.WriteAllText(path, Document(cells).ToJsonString());
        return path;
    }

    /// <summary>Lesson 01's setup cells (code cells starting "// Setup"), the library's path made absolute.</summary>
    public static IReadOnlyList<string> SetupCells()
    {
        var lesson = JsonNode.Parse(File.ReadAllText(Repository.FirstLesson))!;
        var setup = lesson["cells"]!.AsArray()
            .Where(c => (string?)c!["cell_type"] == "code" && Source(c!).TrimStart().StartsWith("// Setup", StringComparison.Ordinal))
            .Select(c => Source(c!))
            .ToArray();
        Assert.True(setup.Length > 0, $"{Repository.FirstLesson} has no setup cell (a code cell starting \"// Setup\") to copy.");
        Assert.Contains(setup, s => s.Contains(Repository.LibraryRelativePath, StringComparison.Ordinal));
        return setup.Select(s => s.Replace(Repository.LibraryRelativePath, Repository.LibraryPath, StringComparison.Ordinal)).ToArray();
    }

    /// <summary>A C# notebook (nbformat 4.5) holding <paramref name="cells"/>.</summary>
    public static JsonObject Document(JsonArray cells) => new()
    {
        ["cells"] = cells,
        ["metadata"] = new JsonObject
        {
            ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
            ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" },
        },
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
    };

    private static string Source(JsonNode cell) =>
        cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)cell["source"] ?? "";

    public static JsonObject Markdown(string source) => new()
    {
        ["cell_type"] = "markdown",
        ["metadata"] = new JsonObject(),
        ["source"] = source,
    };

    public static JsonObject Code(string source) => new()
    {
        ["cell_type"] = "code",
        ["execution_count"] = null,
        ["metadata"] = new JsonObject
        {
            ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
            ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
        },
        ["outputs"] = new JsonArray(),
        ["source"] = source,
    };
}
