using System.Collections.Concurrent;
using System.Net;

namespace Book.Tests;

/// <summary>
/// An HTTP listener on 127.0.0.1 that records every request it gets: the address a hostile output
/// tries to reach, so a test can prove that nothing from the book ever arrives.
/// </summary>
public sealed class LocalListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public LocalListener()
    {
        Port = SiteServer.FreePort();
        Prefix = $"http://127.0.0.1:{Port}/";
        _listener.Prefixes.Add(Prefix);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>"http://127.0.0.1:PORT/".</summary>
    public string Prefix { get; }

    /// <summary>The path of every request received, in order.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Received.Enqueue(context.Request.Url?.PathAndQuery ?? "?");
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
