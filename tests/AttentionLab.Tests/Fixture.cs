using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>Reads the PyTorch fixtures under Fixtures/ (written by the make_*_fixtures.py scripts beside them).</summary>
internal static class Fixture
{
    public static JsonNode Load(string fileName)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", fileName);
        return JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is empty.");
    }

    /// <summary>A nested list of rows as a matrix; the string "-Infinity" is −∞.</summary>
    public static Matrix<double> Matrix(JsonNode? rows)
    {
        var array = rows?.AsArray() ?? throw new InvalidDataException("Expected a matrix, found null.");
        var data = array.Select(r => r!.AsArray().Select(Number).ToArray()).ToArray();
        return Matrix<double>.Build.DenseOfRowArrays(data);
    }

    public static double Number(JsonNode? x) => x switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s switch
        {
            "-Infinity" => double.NegativeInfinity,
            "Infinity" => double.PositiveInfinity,
            "NaN" => double.NaN,
            _ => throw new InvalidDataException($"Not a number: \"{s}\"."),
        },
        JsonValue v => v.GetValue<double>(),
        _ => throw new InvalidDataException($"Not a number: {x?.ToJsonString() ?? "null"}."),
    };
}
