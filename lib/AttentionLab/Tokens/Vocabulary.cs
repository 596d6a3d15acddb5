namespace AttentionLab;

/// <summary>Which side of a sentence the PAD tokens go (lesson 02; left padding matters for generation, lesson 10).</summary>
public enum PaddingSide
{
    /// <summary>Tokens first, then PAD: <c>a b c &lt;pad&gt; &lt;pad&gt;</c>.</summary>
    Right,

    /// <summary>PAD first, then tokens: <c>&lt;pad&gt; &lt;pad&gt; a b c</c>.</summary>
    Left,
}

/// <summary>
/// The token ↔ id table of the course (lesson 01). The special tokens always come first:
/// <c>&lt;pad&gt;</c> = 0, <c>&lt;s&gt;</c> = 1 (START), <c>&lt;/s&gt;</c> = 2 (END), <c>&lt;unk&gt;</c> = 3.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The id of PAD, the filler token that makes sentences of a batch one length.</summary>
    public const int Pad = 0;
    /// <summary>The id of START, the first token of every decoder input.</summary>
    public const int Start = 1;
    /// <summary>The id of END, the last token of every decoder target.</summary>
    public const int End = 2;
    /// <summary>The id of the unknown-word token.</summary>
    public const int Unknown = 3;

    /// <summary>The PAD token's text.</summary>
    public const string PadToken = "<pad>";
    /// <summary>The START token's text.</summary>
    public const string StartToken = "<s>";
    /// <summary>The END token's text.</summary>
    public const string EndToken = "</s>";
    /// <summary>The unknown token's text.</summary>
    public const string UnknownToken = "<unk>";

    /// <summary>The special tokens in id order.</summary>
    public static IReadOnlyList<string> SpecialTokens { get; } = [PadToken, StartToken, EndToken, UnknownToken];

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    /// <summary>A vocabulary of the special tokens followed by <paramref name="words"/> in the order given.</summary>
    public Vocabulary(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        _tokens = [.. SpecialTokens, .. words];
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < _tokens.Length; id++)
        {
            string token = _tokens[id];
            if (string.IsNullOrWhiteSpace(token) || token.Any(char.IsWhiteSpace))
                throw new ArgumentException($"Token {id} is \"{token}\": a token is a non-empty word without spaces.", nameof(words));
            if (!_ids.TryAdd(token, id))
                throw new ArgumentException($"The token \"{token}\" appears twice (ids {_ids[token]} and {id}).", nameof(words));
        }
    }

    /// <summary>
    /// Reads a vocabulary file: one token a line, blank lines and lines starting with # ignored.
    /// The file may list the special tokens first (they must then be in id order) or leave them out.
    /// </summary>
    public static Vocabulary Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No vocabulary file at {Path.GetFullPath(path)}.", path);
        var lines = File.ReadAllLines(path)
            .Select((l, i) => (Text: l.Trim(), Number: i + 1))
            .Where(l => l.Text.Length > 0 && !l.Text.StartsWith('#'))
            .ToList();
        int specials = 0;
        while (specials < SpecialTokens.Count && specials < lines.Count && lines[specials].Text == SpecialTokens[specials])
            specials++;
        // A special token anywhere else is out of order: its id is fixed, so the file cannot place it there.
        foreach (var (text, number) in lines.Skip(specials))
            if (SpecialTokens.Contains(text))
                throw new InvalidDataException(
                    $"{path}:{number}: the special token {text} is out of order: expected the special tokens first, in id order "
                    + $"({string.Join(", ", SpecialTokens)}), or not at all; actual {text} after {(specials == 0 ? "no special token" : SpecialTokens[specials - 1])}.");
        try
        {
            return new Vocabulary(lines.Skip(specials).Select(l => l.Text));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>How many tokens, special tokens included.</summary>
    public int Count => _tokens.Length;

    /// <summary>Every token in id order.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>True if the vocabulary has this token.</summary>
    public bool Contains(string token) => _ids.ContainsKey(token);

    /// <summary>The id of a token; an unknown token is an error naming it.</summary>
    public int Id(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _ids.TryGetValue(token, out int id)
            ? id
            : throw new ArgumentException(
                $"Unknown token \"{token}\": it is not in the vocabulary of {Count} tokens ({string.Join(" ", _tokens.Take(12))}{(Count > 12 ? " …" : "")}).",
                nameof(token));
    }

    /// <summary>The token of an id; an id outside the vocabulary is an error naming it.</summary>
    public string Token(int id) =>
        id >= 0 && id < _tokens.Length
            ? _tokens[id]
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the vocabulary: ids run from 0 to {Count - 1}.");

    /// <summary>
    /// The ids of a sentence of space-separated tokens. Unknown words are an error, or
    /// <c>&lt;unk&gt;</c> when <paramref name="unknownAsUnk"/> is set.
    /// </summary>
    public int[] Encode(string sentence, bool unknownAsUnk = false)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        var words = sentence.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
            throw new ArgumentException("The sentence is empty: it needs at least one token.", nameof(sentence));
        return words.Select(w => unknownAsUnk && !_ids.ContainsKey(w) ? Unknown : Id(w)).ToArray();
    }

    /// <summary>The tokens of a sequence of ids (PAD and the other special tokens included), e.g. for plot labels.</summary>
    public string[] ToTokens(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        for (int i = 0; i < ids.Count; i++)
            if (ids[i] < 0 || ids[i] >= _tokens.Length)
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i],
                    $"ids[{i}] = {ids[i]} is outside the vocabulary: expected an id from 0 to {Count - 1}, actual {ids[i]}.");
        return ids.Select(Token).ToArray();
    }

    /// <summary>The ids as one space-separated string of tokens.</summary>
    public string Decode(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return string.Join(" ", ToTokens(ids));
    }

    /// <summary>
    /// Pads a sequence with PAD to exactly <paramref name="length"/> tokens, on the right or left.
    /// A sequence longer than the length is an error (it would have to be cut).
    /// </summary>
    public static int[] PadTo(IReadOnlyList<int> ids, int length, PaddingSide side = PaddingSide.Right)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
            throw new ArgumentException("The sequence is empty: pad a sequence of at least one token.", nameof(ids));
        if (length < 1)
            throw new ArgumentOutOfRangeException(nameof(length), length, "The padded length must be at least 1.");
        if (!Enum.IsDefined(side))
            throw new ArgumentException(
                $"side is not a PaddingSide: expected {string.Join(" or ", Enum.GetNames<PaddingSide>())}, actual {(int)side}.", nameof(side));
        if (ids.Count > length)
            throw new ArgumentException(
                $"The sequence has {ids.Count} tokens, more than the maximum length {length}: raise the maximum length or shorten the sentence.",
                nameof(ids));
        var padded = new int[length];
        int offset = side == PaddingSide.Left ? length - ids.Count : 0;
        for (int i = 0; i < ids.Count; i++)
            padded[offset + i] = ids[i];
        return padded;
    }

    /// <summary>True for the PAD id.</summary>
    public static bool IsPad(int id) => id == Pad;

    /// <summary>One flag per position: true where the token is PAD (the input of <see cref="Masks.Padding(IReadOnlyList{bool}, int)"/>).</summary>
    public static bool[] PadFlags(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Select(IsPad).ToArray();
    }
}
