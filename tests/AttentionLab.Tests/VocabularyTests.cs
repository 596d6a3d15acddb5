namespace AttentionLab.Tests;

public class VocabularyTests
{
    private static readonly Vocabulary Letters = new(["a", "b", "c", "f", "g", "h"]);

    [Fact]
    public void Special_tokens_come_first_in_a_fixed_order()
    {
        Assert.Equal(["<pad>", "<s>", "</s>", "<unk>"], Letters.Tokens.Take(4));
        Assert.Equal(Vocabulary.Pad, Letters.Id("<pad>"));
        Assert.Equal(Vocabulary.Start, Letters.Id("<s>"));
        Assert.Equal(Vocabulary.End, Letters.Id("</s>"));
        Assert.Equal(Vocabulary.Unknown, Letters.Id("<unk>"));
    }

    [Fact]
    public void Encode_then_decode_gives_the_sentence_back()
    {
        int[] ids = Letters.Encode("g f  h");
        Assert.Equal([8, 7, 9], ids);
        Assert.Equal("g f h", Letters.Decode(ids));
    }

    [Fact]
    public void Unknown_words_map_to_unk_only_when_asked()
    {
        Assert.Equal([4, Vocabulary.Unknown], Letters.Encode("a zebra", unknownAsUnk: true));
        var e = Assert.Throws<ArgumentException>(() => Letters.Encode("a zebra"));
        Assert.Contains("zebra", e.Message);
    }

    [Fact]
    public void Right_padding_puts_pad_after_the_tokens_and_left_padding_before()
    {
        Assert.Equal([4, 5, 6, 0, 0], Vocabulary.PadTo([4, 5, 6], 5));
        Assert.Equal([0, 0, 4, 5, 6], Vocabulary.PadTo([4, 5, 6], 5, PaddingSide.Left));
        Assert.Equal([false, false, false, true, true], Vocabulary.PadFlags(Vocabulary.PadTo([4, 5, 6], 5)));
    }

    [Fact]
    public void The_course_vocabulary_file_loads_with_its_special_tokens()
    {
        var v = Vocabulary.Load(Path.Combine(RepoRoot(), "data", "vocabulary.txt"));
        Assert.Equal(30, v.Count);
        Assert.Equal("a", v.Token(4));
        Assert.Equal("z", v.Token(29));
    }

    [Fact]
    public void The_worked_example_is_a_b_c_to_g_f_h()
    {
        var example = WorkedExample.Load(Path.Combine(RepoRoot(), "data", "worked-example.json"));
        Assert.Equal("a b c", example.Source);
        Assert.Equal("g f h", example.Target);
        Assert.True(example.MaxLength >= 5);
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Notebooks.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Notebooks.sln not found above the test folder.");
    }
}
