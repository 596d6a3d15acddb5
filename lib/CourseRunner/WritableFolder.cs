namespace CourseRunner;

/// <summary>Checks, before any notebook runs, that a folder the run writes to (the book, the run record) can be written.</summary>
public static class WritableFolder
{
    /// <summary>
    /// Creates <paramref name="folder"/> if needed and writes and deletes a file in it. Returns null when
    /// that worked, else why not (one sentence, without the folder's name).
    /// </summary>
    public static string? WhyNotWritable(string folder)
    {
        var probe = Path.Combine(folder, $".write-test-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return e.Message;
        }
    }
}
