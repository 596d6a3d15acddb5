using System.Text.Json;
using System.Text.Json.Serialization;

namespace CourseRunner;

/// <summary>
/// A course run written as JSON and read back whole: every notebook (its cells as they ran, injected
/// parameters included), every cell's status, outputs, error and duration. It lets another process
/// use a run without repeating it (the test projects share one run of the lessons this way).
/// </summary>
public static class RunRecord
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/> (the folder must exist).</summary>
    public static void Save(CourseReport report, string path)
    {
        var record = new CourseRecord(report.BookFolder, report.Runs.Select(ToRecord).ToArray());
        var temporary = path + ".partial";
        File.WriteAllText(temporary, JsonSerializer.Serialize(record, Options));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a report written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not such a record.</exception>
    public static CourseReport Load(string path)
    {
        CourseRecord record;
        try
        {
            record = JsonSerializer.Deserialize<CourseRecord>(File.ReadAllText(path), Options) is { BookFolder: not null, Runs: not null } read
                ? read
                : throw new InvalidDataException($"{path}: not a run record (no \"BookFolder\" and \"Runs\").");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a run record ({e.Message}).", e);
        }

        return new CourseReport(record.Runs.Select(FromRecord).ToArray(), record.BookFolder);
    }

    /// <summary>One cell's result as one line of JSON (how a notebook worker reports a cell as it finishes).</summary>
    internal static string CellToJson(CellResult cell) => JsonSerializer.Serialize(ToRecord(cell), Options);

    /// <summary>Reads a cell's result written by <see cref="CellToJson"/>; its cell is looked up in <paramref name="notebook"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not such a result, or names a cell the notebook does not have.</exception>
    internal static CellResult CellFromJson(NotebookFile notebook, string json)
    {
        try
        {
            var record = JsonSerializer.Deserialize<CellRecord>(json, Options)
                         ?? throw new InvalidDataException("A cell result was null.");
            return record.Index >= 0 && record.Index < notebook.Cells.Count
                ? FromRecord(notebook, record)
                : throw new InvalidDataException($"A cell result names cell index {record.Index}; {notebook.FileName} has {notebook.Cells.Count} cells.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not a cell result ({e.Message}).", e);
        }
    }

    private static NotebookRecord ToRecord(NotebookRun run) => new(
        run.Notebook.Path,
        run.Notebook.ToJson(),
        run.Cells.Select(ToRecord).ToArray(),
        run.Duration.Ticks,
        run.Error);

    private static CellRecord ToRecord(CellResult c) => new(
        c.Cell.Index,
        c.Status,
        c.Outputs.Select(o => new OutputRecord(o.Kind, new Dictionary<string, string>(o.Data), o.ValueId)).ToArray(),
        c.Error,
        c.Duration.Ticks,
        c.ExecutionCount);

    private static NotebookRun FromRecord(NotebookRecord record)
    {
        var notebook = NotebookFile.Parse(record.Json, record.Path);
        var cells = record.Cells.Select(c => FromRecord(notebook, c)).ToArray();
        return new NotebookRun(notebook, cells, TimeSpan.FromTicks(record.DurationTicks), record.Error);
    }

    private static CellResult FromRecord(NotebookFile notebook, CellRecord c) => new(
        notebook.Cells[c.Index],
        c.Status,
        c.Outputs.Select(o => new CellOutput(o.Kind, o.Data, o.ValueId)).ToArray(),
        c.Error,
        TimeSpan.FromTicks(c.DurationTicks),
        c.ExecutionCount);

    private sealed record CourseRecord(string BookFolder, NotebookRecord[] Runs);

    private sealed record NotebookRecord(string Path, string Json, CellRecord[] Cells, long DurationTicks, string? Error);

    private sealed record CellRecord(
        int Index, CellStatus Status, OutputRecord[] Outputs, string? Error, long DurationTicks, int? ExecutionCount);

    private sealed record OutputRecord(OutputKind Kind, Dictionary<string, string> Data, string? ValueId);
}
