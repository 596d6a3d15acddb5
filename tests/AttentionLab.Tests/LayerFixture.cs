using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionLab.Tests;

/// <summary>
/// Reads the layer fixtures written by Fixtures/make_layer_fixtures.py: tensors as
/// {"shape", "data"} (the format <see cref="StateDict"/> reads) and state_dicts under PyTorch's names.
/// </summary>
internal static class LayerFixture
{
    private static readonly Dictionary<string, JsonElement> Files = [];

    public static JsonElement Cases(string fileName)
    {
        lock (Files)
        {
            if (!Files.TryGetValue(fileName, out var cases))
            {
                string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", fileName);
                cases = JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("cases").Clone();
                Files[fileName] = cases;
            }
            return cases;
        }
    }

    public static JsonElement Case(string fileName, string name) =>
        Cases(fileName).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static TheoryData<string> Names(string fileName) =>
        [.. Cases(fileName).EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    public static StateDict StateDict(this JsonElement c) => AttentionLab.StateDict.FromJson(c.GetProperty("state_dict"));

    public static StateTensor Tensor(this JsonElement parent, string name) => AttentionLab.StateDict.ReadTensor(parent.GetProperty(name), name);

    public static Matrix<double> Matrix(this JsonElement parent, string name) => parent.Tensor(name).ToMatrix();

    public static Matrix<double>? OptionalMatrix(this JsonElement parent, string name) =>
        parent.GetProperty(name).ValueKind == JsonValueKind.Null ? null : parent.Matrix(name);

    public static bool[]? Flags(this JsonElement parent, string name) =>
        parent.GetProperty(name).ValueKind == JsonValueKind.Null
            ? null
            : [.. parent.GetProperty(name).EnumerateArray().Select(e => e.GetBoolean())];

    public static int[] Ints(this JsonElement parent, string name) =>
        [.. parent.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];

    public static int Int(this JsonElement parent, string name) => parent.GetProperty(name).GetInt32();

    public static TransformerConfig TransformerConfig(this JsonElement c)
    {
        var k = c.GetProperty("config");
        return new TransformerConfig(
            k.Int("sourceVocabularySize"), k.Int("targetVocabularySize"), k.Int("modelWidth"), k.Int("heads"),
            k.Int("feedForwardWidth"), k.Int("encoderLayers"), k.Int("decoderLayers"), k.Int("maxLength"),
            k.TryGetProperty("normFirst", out var normFirst) && normFirst.GetBoolean());
    }
}
