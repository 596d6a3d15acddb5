using System.Text.Json;
using System.Text.Json.Nodes;

namespace CourseRunner;

/// <summary>
/// Writes an executed notebook: the source notebook's JSON with each code cell's outputs and
/// execution count filled in, in nbformat 4 as Jupyter and VS Code write it. Charts keep the exact
/// HTML the kernel produced, so they draw in any notebook front end.
/// </summary>
public static class ExecutedNotebookWriter
{
    /// <summary>Writes the executed notebook of <paramref name="run"/> to <paramref name="path"/>.</summary>
    public static void Write(NotebookRun run, string path) => File.WriteAllText(path, ToJson(run));

    /// <summary>The executed notebook of <paramref name="run"/> as .ipynb JSON text.</summary>
    public static string ToJson(NotebookRun run)
    {
        var json = run.Notebook.CloneJson();
        var cells = (JsonArray)json["cells"]!;
        foreach (var result in run.Cells)
        {
            if (result.Cell.Kind != CellKind.Code || cells[result.Cell.Index] is not JsonObject cell)
            {
                continue;
            }

            cell["execution_count"] = result.ExecutionCount;
            cell["outputs"] = Outputs(result);
        }

        return json.ToJsonString(JupyterText.JsonOptions);
    }

    private static JsonArray Outputs(CellResult result)
    {
        var outputs = new JsonArray();
        foreach (var output in result.Outputs)
        {
            switch (output.Kind)
            {
                case OutputKind.StandardOutput or OutputKind.StandardError:
                    AppendStream(outputs, output.Kind == OutputKind.StandardOutput ? "stdout" : "stderr", output.PlainText ?? "");
                    break;
                case OutputKind.Error:
                    var text = output.PlainText ?? "";
                    var firstLine = text.Split('\n')[0];
                    var colon = firstLine.IndexOf(": ", StringComparison.Ordinal);
                    outputs.Add(new JsonObject
                    {
                        ["output_type"] = "error",
                        ["ename"] = colon > 0 && !firstLine[..colon].Contains(' ') ? firstLine[..colon] : "Error",
                        ["evalue"] = text,
                        ["traceback"] = new JsonArray(text.Split('\n').Select(l => (JsonNode?)JsonValue.Create(l.TrimEnd('\r'))).ToArray()),
                    });
                    break;
                case OutputKind.ReturnValue:
                    outputs.Add(new JsonObject
                    {
                        ["output_type"] = "execute_result",
                        ["execution_count"] = result.ExecutionCount,
                        ["data"] = Data(output),
                        ["metadata"] = new JsonObject(),
                    });
                    break;
                default:
                    outputs.Add(new JsonObject
                    {
                        ["output_type"] = "display_data",
                        ["data"] = Data(output),
                        ["metadata"] = new JsonObject(),
                    });
                    break;
            }
        }

        return outputs;
    }

    /// <summary>Consecutive writes to the same stream become one output, as Jupyter shows them.</summary>
    private static void AppendStream(JsonArray outputs, string name, string text)
    {
        if (outputs.Count > 0 && outputs[^1] is JsonObject last
                              && (string?)last["output_type"] == "stream" && (string?)last["name"] == name)
        {
            var previous = string.Concat(((JsonArray)last["text"]!).Select(l => (string?)l));
            last["text"] = JupyterText.ToLines(previous + text);
            return;
        }

        outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = JupyterText.ToLines(text) });
    }

    /// <summary>Text MIME types as lists of lines; JSON MIME types as JSON, as nbformat requires.</summary>
    private static JsonObject Data(CellOutput output)
    {
        var data = new JsonObject();
        foreach (var (mimeType, value) in output.Data)
        {
            data[mimeType] = mimeType.EndsWith("json", StringComparison.Ordinal) && TryParseJson(value) is { } node
                ? node
                : JupyterText.ToLines(value);
        }

        return data;
    }

    private static JsonNode? TryParseJson(string value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
