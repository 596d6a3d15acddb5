namespace AttentionLab.Kernels;

/// <summary>
/// Whether the layers may take their fast paths: the same functions computed without the intermediate
/// matrices a lesson plots (MultiHeadAttention), or without a large temporary (FeedForward). On by default;
/// tests switch it off on their own thread to compare a fast path with the readable one it must equal.
/// </summary>
internal static class FastPath
{
    [ThreadStatic] private static bool readableOnly;

    /// <summary>True unless <see cref="ReadableOnly"/> is in force on this thread.</summary>
    public static bool Enabled => !readableOnly;

    /// <summary>Until disposed, the layers on this thread run their readable paths only.</summary>
    public static IDisposable ReadableOnly()
    {
        bool before = readableOnly;
        readableOnly = true;
        return new Restore(before);
    }

    private sealed class Restore(bool before) : IDisposable
    {
        public void Dispose() => readableOnly = before;
    }
}
