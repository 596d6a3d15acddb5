using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Documents;
using Jupyter = Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace CourseRunner;

/// <summary>
/// A Jupyter notebook (.ipynb) as the runner sees it: its cells, read with .NET Interactive's
/// Documents API, plus the original JSON so that an executed copy keeps every field of the source.
/// Instances are immutable; the file on disk is never written by this class except by the explicit
/// <see cref="WriteWithInjectedParameters"/> helper, which writes to another path.
/// </summary>
public sealed class NotebookFile
{
    /// <summary>The tag that marks the lesson's "Try it" cell (papermill's convention).</summary>
    public const string ParametersTag = "parameters";

    /// <summary>The tag of the cell the runner inserts after the "Try it" cell.</summary>
    public const string InjectedParametersTag = "injected-parameters";

    /// <summary>The kernel a code cell runs in when the notebook does not name one.</summary>
    public const string DefaultKernelName = "csharp";

    private readonly JsonObject _json;

    private NotebookFile(string path, JsonObject json, IReadOnlyList<NotebookCell> cells)
    {
        Path = path;
        _json = json;
        Cells = cells;
    }

    /// <summary>Full path of the notebook file the cells came from.</summary>
    public string Path { get; }

    /// <summary>The file name with extension, e.g. "01-attention-scores.ipynb".</summary>
    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>The file name without extension, e.g. "01-attention-scores"; names the book page too.</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>The folder holding the notebook: the current directory while its cells run.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>Every cell, in order.</summary>
    public IReadOnlyList<NotebookCell> Cells { get; }

    /// <summary>The first code cell tagged "parameters", or null when the notebook has none.</summary>
    public NotebookCell? ParametersCell => Cells.FirstOrDefault(c => c.IsParameters);

    /// <summary>Reads a notebook from disk.</summary>
    /// <exception cref="InvalidDataException">The file is not a notebook in nbformat 4.</exception>
    public static NotebookFile Load(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        return Parse(File.ReadAllText(fullPath), fullPath);
    }

    /// <summary>Reads a notebook from its JSON text; <paramref name="path"/> says where it lives.</summary>
    /// <exception cref="InvalidDataException">The text is not a notebook in nbformat 4.</exception>
    public static NotebookFile Parse(string json, string path)
    {
        JsonObject root;
        string? problem;
        try
        {
            root = JsonNode.Parse(json) as JsonObject
                   ?? throw new InvalidDataException($"{path}: the notebook is not a JSON object.");
            problem = NotebookShape.Problem(root);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            // Duplicate property names surface only when the object is first read.
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }

        if (problem is not null)
        {
            throw new InvalidDataException($"{path}: {problem}.");
        }

        var rawCells = (JsonArray)root["cells"]!;

        // The Documents API knows the kernel of each cell (polyglot metadata, language info) and
        // exposes cell metadata, but it reads raw cells as code: the cell type comes from the JSON.
        InteractiveDocument document;
        try
        {
            document = Jupyter.Notebook.Parse(json, KernelInfos());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever the Documents API trips over in a notebook is a notebook that cannot be read.
            throw new InvalidDataException($"{path}: .NET Interactive cannot read this notebook ({e.Message}).", e);
        }

        if (document.Elements.Count != rawCells.Count)
        {
            throw new InvalidDataException(
                $"{path}: the notebook has {rawCells.Count} cells but {document.Elements.Count} were parsed.");
        }

        var cells = new List<NotebookCell>(rawCells.Count);
        for (var i = 0; i < rawCells.Count; i++)
        {
            var element = document.Elements[i];
            var kind = (string?)rawCells[i]?["cell_type"] switch
            {
                "markdown" => CellKind.Markdown,
                "code" => CellKind.Code,
                _ => CellKind.Raw,
            };
            var kernelName = kind == CellKind.Code ? element.KernelName ?? DefaultKernelName : kind.ToString().ToLowerInvariant();
            cells.Add(new NotebookCell(i, kind, kernelName, element.Contents ?? "", TagsOf(element)));
        }

        return new NotebookFile(System.IO.Path.GetFullPath(path), root, cells);
    }

    /// <summary>
    /// A copy of this notebook with a code cell holding <paramref name="code"/> inserted right after
    /// the "Try it" cell (tagged "parameters"), so every later cell sees the new inputs. The copy keeps
    /// this notebook's <see cref="Path"/>: it runs in the same folder.
    /// </summary>
    /// <exception cref="InvalidOperationException">No code cell is tagged "parameters".</exception>
    public NotebookFile WithInjectedParameters(string code)
    {
        var target = ParametersCell ?? throw new InvalidOperationException(
            $"{FileName} has no code cell tagged \"{ParametersTag}\", so there is nowhere to inject parameters.");

        var json = (JsonObject)_json.DeepClone();
        var injected = new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["metadata"] = new JsonObject
            {
                ["tags"] = new JsonArray(InjectedParametersTag),
                ["dotnet_interactive"] = new JsonObject { ["language"] = DefaultKernelName },
                ["polyglot_notebook"] = new JsonObject { ["kernelName"] = DefaultKernelName },
            },
            ["outputs"] = new JsonArray(),
            ["source"] = JupyterText.ToLines(code),
        };
        if ((json["nbformat_minor"]?.GetValue<int>() ?? 0) >= 5)
        {
            // nbformat 4.5 requires a unique id per cell.
            injected["id"] = InjectedParametersTag;
        }

        ((JsonArray)json["cells"]!).Insert(target.Index + 1, injected);
        return Parse(json.ToJsonString(), Path);
    }

    /// <summary>
    /// Writes to <paramref name="destinationPath"/> a copy of the notebook at <paramref name="sourcePath"/>
    /// with <paramref name="code"/> injected after its "Try it" cell (see <see cref="WithInjectedParameters"/>).
    /// The source file is left untouched.
    /// </summary>
    public static void WriteWithInjectedParameters(string sourcePath, string code, string destinationPath)
    {
        var copy = Load(sourcePath).WithInjectedParameters(code);
        File.WriteAllText(destinationPath, copy.ToJson());
    }

    /// <summary>The notebook as .ipynb JSON text, exactly the cells and metadata this instance holds.</summary>
    public string ToJson() => _json.ToJsonString(JupyterText.JsonOptions);

    /// <summary>A deep copy of the notebook's JSON, for writers that add outputs.</summary>
    internal JsonObject CloneJson() => (JsonObject)_json.DeepClone();

    private static KernelInfoCollection KernelInfos() => new KernelInfoCollection
    {
        new KernelInfo("csharp", "C#", ["c#", "C#", "cs"]),
        new KernelInfo("fsharp", "F#", ["f#", "F#", "fs"]),
        new KernelInfo("pwsh", "PowerShell", ["powershell"]),
        new KernelInfo("markdown", "Markdown", ["md"]),
        new KernelInfo("html", "HTML"),
        new KernelInfo("javascript", "JavaScript", ["js"]),
    }.WithDefault(DefaultKernelName);

    private static IReadOnlyList<string> TagsOf(InteractiveDocumentElement element)
    {
        if (element.Metadata is null || !element.Metadata.TryGetValue("tags", out var tags))
        {
            return [];
        }

        return tags switch
        {
            IEnumerable<object> items => items.Select(t => t?.ToString() ?? "").ToArray(),
            JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(t => t.ToString()).ToArray(),
            _ => [],
        };
    }
}

internal static class KernelInfoCollectionExtensions
{
    public static KernelInfoCollection WithDefault(this KernelInfoCollection collection, string defaultKernelName)
    {
        collection.DefaultKernelName = defaultKernelName;
        return collection;
    }
}
