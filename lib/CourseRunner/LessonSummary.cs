using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;

namespace CourseRunner;

/// <summary>
/// What the book's index says about a lesson: its number, its title (the notebook's first heading)
/// and what it teaches (the bullets after "In this notebook you will learn", else its first paragraph).
/// </summary>
/// <param name="Number">The number at the start of the file name ("01-..." gives "01"), or "" when none.</param>
/// <param name="Title">The text of the first Markdown heading, or the file name when there is none.</param>
/// <param name="BulletsHtml">The learning goals as inline HTML, one per bullet; empty when the lesson has none.</param>
/// <param name="SummaryHtml">The first paragraph after the title as inline HTML, or "" when there is none.</param>
public sealed partial record LessonSummary(string Number, string Title, IReadOnlyList<string> BulletsHtml, string SummaryHtml)
{
    /// <summary>Reads the summary from the notebook's Markdown cells.</summary>
    public static LessonSummary Of(NotebookFile notebook)
    {
        var number = LeadingNumber().Match(notebook.Name) is { Success: true } m ? m.Groups[1].Value : "";
        string? title = null;
        string? firstParagraph = null;
        var bullets = new List<string>();
        var learnSeen = false;

        foreach (var cell in notebook.Cells.Where(c => c.Kind == CellKind.Markdown))
        {
            var document = MarkdownRenderer.Parse(cell.Source);
            foreach (var block in document)
            {
                var text = cell.Source.Substring(block.Span.Start, block.Span.Length);
                switch (block)
                {
                    case HeadingBlock when title is null:
                        title = Markdown.ToPlainText(text.TrimStart('#', ' ')).Trim();
                        break;
                    case HeadingBlock or ParagraphBlock when LearnPhrase().IsMatch(text):
                        learnSeen = true;
                        break;
                    case ListBlock list when learnSeen && bullets.Count == 0:
                        bullets.AddRange(list.OfType<ListItemBlock>().Select(item =>
                            MarkdownRenderer.InlineHtml(ListMarker().Replace(
                                cell.Source.Substring(item.Span.Start, item.Span.Length), ""))));
                        break;
                    case ParagraphBlock when firstParagraph is null && title is not null:
                        firstParagraph = MarkdownRenderer.InlineHtml(text);
                        break;
                }
            }

            if (bullets.Count > 0)
            {
                break;
            }
        }

        return new LessonSummary(number, title ?? notebook.Name, bullets, firstParagraph ?? "");
    }

    [GeneratedRegex(@"^(\d+)[-_ ]")]
    private static partial Regex LeadingNumber();

    [GeneratedRegex(@"^\s*([-*+]|\d+[.)])\s+")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"in this notebook,? you will learn", RegexOptions.IgnoreCase)]
    private static partial Regex LearnPhrase();
}
