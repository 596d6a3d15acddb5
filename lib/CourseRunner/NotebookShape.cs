using System.Text.Json;
using System.Text.Json.Nodes;

namespace CourseRunner;

/// <summary>
/// Checks that a notebook's JSON has the shape of nbformat 4 where the runner relies on it, so that a
/// malformed notebook is refused with the field that is wrong (and never runs a cell as empty).
/// </summary>
internal static class NotebookShape
{
    private static readonly string[] CellTypes = ["markdown", "code", "raw"];

    /// <summary>Null when <paramref name="root"/> is usable, else what is wrong, e.g. <c>cell 2: "source" is a number; expected ...</c>.</summary>
    public static string? Problem(JsonObject root)
    {
        if (!IsInteger(root["nbformat"], out var format) || format != 4)
        {
            return $"\"nbformat\" is {Describe(root["nbformat"])}; expected the number 4 (a Jupyter notebook in nbformat 4)";
        }

        if (root.ContainsKey("nbformat_minor") && !(IsInteger(root["nbformat_minor"], out var minor) && minor >= 0))
        {
            return $"\"nbformat_minor\" is {Describe(root["nbformat_minor"])}; expected a whole number, 0 or more";
        }

        if (root.ContainsKey("metadata") && root["metadata"] is not JsonObject)
        {
            return $"\"metadata\" is {Describe(root["metadata"])}; expected an object";
        }

        if (root["cells"] is not JsonArray cells)
        {
            return $"\"cells\" is {Describe(root["cells"])}; expected a list of cells";
        }

        for (var i = 0; i < cells.Count; i++)
        {
            if (CellProblem(cells[i]) is { } problem)
            {
                return $"cell {i + 1}: {problem}";
            }
        }

        return null;
    }

    private static string? CellProblem(JsonNode? node)
    {
        if (node is not JsonObject cell)
        {
            return $"the cell is {Describe(node)}; expected an object";
        }

        if (cell["cell_type"] is not JsonValue type || !type.TryGetValue<string>(out var typeName) || !CellTypes.Contains(typeName))
        {
            return $"\"cell_type\" is {Describe(cell["cell_type"])}; expected \"markdown\", \"code\" or \"raw\"";
        }

        if (!IsText(cell["source"]))
        {
            return $"\"source\" is {Describe(cell["source"])}; expected a string or a list of strings";
        }

        if (cell.ContainsKey("metadata") && cell["metadata"] is not JsonObject)
        {
            return $"\"metadata\" is {Describe(cell["metadata"])}; expected an object";
        }

        if (cell["metadata"]?["tags"] is { } tags && !(tags is JsonArray list && list.All(IsString)))
        {
            return $"\"metadata.tags\" is {Describe(tags)}; expected a list of strings";
        }

        return null;
    }

    private static bool IsText(JsonNode? node) => IsString(node) || node is JsonArray lines && lines.All(IsString);

    private static bool IsString(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String;

    private static bool IsInteger(JsonNode? node, out long number)
    {
        number = 0;
        return node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out number);
    }

    /// <summary>A JSON value as a learner would name it: <c>the string "4"</c>, <c>a number (7)</c>, <c>missing</c>.</summary>
    private static string Describe(JsonNode? node) => node switch
    {
        null => "missing (or null)",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => $"the string {Shorten(value.ToJsonString())}",
            JsonValueKind.Number => $"a number ({Shorten(value.ToJsonString())})",
            JsonValueKind.True or JsonValueKind.False => $"{value.ToJsonString()} (true/false)",
            _ => value.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
