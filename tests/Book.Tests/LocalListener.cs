using System.Collections.Concurrent;

namespace Book.Tests;

/// <summary>
/// An HTTP listener on 127.0.0.1 that records every request it gets: the address a hostile output
/// tries to reach, so a test can prove that nothing from the book ever arrives.
/// </summary>
public sealed class LocalListener : IDisposable
{
    private readonly LoopbackListener _listener;

    public LocalListener() => _listener = new LoopbackListener(context =>
    {
        Received.Enqueue(context.Request.Url?.PathAndQuery ?? "?");
        context.Response.StatusCode = 200;
        context.Response.Close();
    });

    public int Port => _listener.Port;

    /// <summary>"http://127.0.0.1:PORT/".</summary>
    public string Prefix => _listener.Address;

    /// <summary>The path of every request received, in order.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    public void Dispose() => _listener.Dispose();
}
