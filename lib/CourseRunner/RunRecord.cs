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

    private static NotebookRecord ToRecord(NotebookRun run) => new(
        run.Notebook.Path,
        run.Notebook.ToJson(),
        run.Cells.Select(c => new CellRecord(
            c.Cell.Index,
            c.Status,
            c.Outputs.Select(o => new OutputRecord(o.Kind, new Dictionary<string, string>(o.Data), o.ValueId)).ToArray(),
            c.Error,
            c.Duration.Ticks,
            c.ExecutionCount)).ToArray(),
        run.Duration.Ticks,
        run.Error);

    private static NotebookRun FromRecord(NotebookRecord record)
    {
        var notebook = NotebookFile.Parse(record.Json, record.Path);
        var cells = record.Cells.Select(c => new CellResult(
            notebook.Cells[c.Index],
            c.Status,
            c.Outputs.Select(o => new CellOutput(o.Kind, o.Data, o.ValueId)).ToArray(),
            c.Error,
            TimeSpan.FromTicks(c.DurationTicks),
            c.ExecutionCount)).ToArray();
        return new NotebookRun(notebook, cells, TimeSpan.FromTicks(record.DurationTicks), record.Error);
    }

    private sealed record CourseRecord(string BookFolder, NotebookRecord[] Runs);

    private sealed record NotebookRecord(string Path, string Json, CellRecord[] Cells, long DurationTicks, string? Error);

    private sealed record CellRecord(
        int Index, CellStatus Status, OutputRecord[] Outputs, string? Error, long DurationTicks, int? ExecutionCount);

    private sealed record OutputRecord(OutputKind Kind, Dictionary<string, string> Data, string? ValueId);
}
