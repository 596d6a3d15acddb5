using System.Globalization;

namespace Playground.Lab;

/// <summary>The address's query string (the book's "Try it live" links carry a lesson's Try-it inputs in it).</summary>
public sealed class QueryString
{
    private readonly Dictionary<string, string> _values;

    private QueryString(Dictionary<string, string> values) => _values = values;

    public static QueryString Parse(string query)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            values[Uri.UnescapeDataString(pair[0].Replace('+', ' '))] = pair.Length > 1 ? Uri.UnescapeDataString(pair[1].Replace('+', ' ')) : "";
        }
        return new QueryString(values);
    }

    public string Text(string name, string fallback) => _values.TryGetValue(name, out var v) ? v : fallback;

    public int Int(string name, int fallback, int min, int max) =>
        _values.TryGetValue(name, out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? Math.Clamp(n, min, max)
            : fallback;

    public T Enum<T>(string name, T fallback) where T : struct, System.Enum =>
        _values.TryGetValue(name, out var v) && System.Enum.TryParse<T>(v, ignoreCase: true, out var e) && System.Enum.IsDefined(e) ? e : fallback;

    /// <summary>Whole numbers separated by commas or spaces ("3,2,4"), or the fallback.</summary>
    public int[] Ints(string name, int[] fallback, int min, int max)
    {
        if (!_values.TryGetValue(name, out var v)) return fallback;
        var parts = v.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries);
        var numbers = parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (int?)null).ToArray();
        return numbers.Length > 0 && numbers.All(n => n is not null) ? numbers.Select(n => Math.Clamp(n!.Value, min, max)).ToArray() : fallback;
    }
}
