using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace CourseRunner;

/// <summary>
/// Turns the kernel events of one cell into <see cref="CellOutput"/>s, in the order they arrive.
/// It listens to the kernel's event stream rather than the command's result so that output written
/// before a cell hangs is kept when the cell is stopped by the timeout.
/// </summary>
internal sealed class CellOutputCollector
{
    private readonly object _lock = new();
    private List<CellOutput> _outputs = [];

    /// <summary>Starts collecting for a new cell and returns what the previous cell produced.</summary>
    public IReadOnlyList<CellOutput> Restart()
    {
        lock (_lock)
        {
            var previous = _outputs;
            _outputs = [];
            return previous;
        }
    }

    /// <summary>Records an event if it carries output; other events are ignored.</summary>
    public void Add(KernelEvent kernelEvent)
    {
        lock (_lock)
        {
            switch (kernelEvent)
            {
                case DisplayedValueUpdated updated:
                    Replace(new CellOutput(OutputKind.Display, DataOf(updated.FormattedValues), updated.ValueId));
                    break;
                case DisplayedValueProduced displayed:
                    _outputs.Add(new CellOutput(OutputKind.Display, DataOf(displayed.FormattedValues), displayed.ValueId));
                    break;
                case ReturnValueProduced returned:
                    _outputs.Add(new CellOutput(OutputKind.ReturnValue, DataOf(returned.FormattedValues)));
                    break;
                case StandardOutputValueProduced stdout:
                    _outputs.Add(CellOutput.Text(OutputKind.StandardOutput, PlainTextOf(stdout.FormattedValues)));
                    break;
                case StandardErrorValueProduced stderr:
                    _outputs.Add(CellOutput.Text(OutputKind.StandardError, PlainTextOf(stderr.FormattedValues)));
                    break;
                case ErrorProduced error:
                    _outputs.Add(CellOutput.Text(OutputKind.Error, error.Message));
                    break;
            }
        }
    }

    /// <summary>An update replaces the display with the same id (e.g. "Installing package..." becomes the package list).</summary>
    private void Replace(CellOutput update)
    {
        var index = _outputs.FindIndex(o => o.ValueId is not null && o.ValueId == update.ValueId);
        if (index >= 0)
        {
            _outputs[index] = update;
        }
        else
        {
            _outputs.Add(update);
        }
    }

    private static Dictionary<string, string> DataOf(IEnumerable<FormattedValue> values) =>
        values.Where(v => !v.SuppressDisplay)
              .GroupBy(v => v.MimeType)
              .ToDictionary(g => g.Key, g => g.Last().Value ?? "");

    private static string PlainTextOf(IEnumerable<FormattedValue> values) =>
        string.Concat(values.Where(v => v.MimeType == PlainTextFormatter.MimeType).Select(v => v.Value));
}
