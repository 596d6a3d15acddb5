using System.Net;
using System.Net.Sockets;

namespace CourseRunner;

/// <summary>
/// An HTTP listener on 127.0.0.1 only (never all interfaces) that hands every request to an answer, each on a
/// pool thread, until disposed: the site server's and the tests' listeners.
/// </summary>
public sealed class LoopbackListener : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Action<HttpListenerContext> _answer;
    private readonly Task _loop;

    /// <param name="answer">Answers one request (and closes its response).</param>
    /// <param name="port">The port on 127.0.0.1; 0 picks a free one.</param>
    public LoopbackListener(Action<HttpListenerContext> answer, int port = 0)
    {
        _answer = answer;
        Port = port == 0 ? FreePort() : port;
        Address = $"http://127.0.0.1:{Port}/";
        _listener.Prefixes.Add(Address);
        _listener.Start();
        _loop = Task.Run(ListenAsync);
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>"http://127.0.0.1:PORT/".</summary>
    public string Address { get; }

    private async Task ListenAsync()
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

            _ = Task.Run(() => _answer(context));
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
