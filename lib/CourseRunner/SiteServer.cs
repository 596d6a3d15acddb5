using System.Net;

namespace CourseRunner;

/// <summary>
/// Serves the book at / and the live playground at /playground/ over HTTP on 127.0.0.1 only (never all
/// interfaces): a Blazor WebAssembly app does not run from file://. Static files only; the precompressed
/// copies the publish wrote (.br, .gz) are sent when the browser accepts them, so what travels is what a
/// static host would send.
/// </summary>
public sealed class SiteServer : IDisposable
{
    /// <summary>The playground's path under the site.</summary>
    public const string PlaygroundPath = "playground";

    private readonly LoopbackListener _listener;
    private readonly string? _book;
    private readonly string _playground;

    /// <param name="bookFolder">The book (artifacts/book), or null to serve the playground alone.</param>
    /// <param name="playgroundFolder">The published playground's static folder (its index.html inside).</param>
    /// <param name="port">The port on 127.0.0.1; 0 picks a free one.</param>
    public SiteServer(string? bookFolder, string playgroundFolder, int port = 0)
    {
        _book = bookFolder is null ? null : Path.GetFullPath(bookFolder);
        _playground = Path.GetFullPath(playgroundFolder);
        _listener = new LoopbackListener(Answer, port);
    }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port => _listener.Port;

    /// <summary>"http://127.0.0.1:PORT/".</summary>
    public string Address => _listener.Address;

    /// <summary>The playground's address.</summary>
    public string PlaygroundAddress => Address + PlaygroundPath + "/";

    /// <summary>How many bytes went out (bodies as sent, compressed where they were), for measurements.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    private long _bytesSent;

    private void Answer(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var path = Uri.UnescapeDataString(context.Request.Url?.AbsolutePath ?? "/");
            if (path == "/" + PlaygroundPath || (_book is null && path == "/"))
            {
                response.Redirect("/" + PlaygroundPath + "/");
                return;
            }

            var (root, relative) = path.StartsWith("/" + PlaygroundPath + "/", StringComparison.Ordinal)
                ? (_playground, path[(PlaygroundPath.Length + 2)..])
                : (_book, path.TrimStart('/'));
            var file = root is null ? null : Resolve(root, relative);
            if (file is null || context.Request.HttpMethod is not ("GET" or "HEAD"))
            {
                response.StatusCode = file is null ? 404 : 405;
                return;
            }

            response.ContentType = ContentType(file);
            response.Headers["X-Content-Type-Options"] = "nosniff";
            response.Headers["Cache-Control"] = "no-cache";
            response.Headers["Vary"] = "Accept-Encoding";
            var accepts = context.Request.Headers["Accept-Encoding"] ?? "";
            var send = file;
            foreach (var (encoding, extension) in new[] { ("br", ".br"), ("gzip", ".gz") })
            {
                if (accepts.Contains(encoding, StringComparison.OrdinalIgnoreCase) && File.Exists(file + extension))
                {
                    send = file + extension;
                    response.Headers["Content-Encoding"] = encoding;
                    break;
                }
            }

            var bytes = File.ReadAllBytes(send);
            response.ContentLength64 = bytes.Length;
            if (context.Request.HttpMethod == "GET")
            {
                response.OutputStream.Write(bytes);
                Interlocked.Add(ref _bytesSent, bytes.Length);
            }
        }
        catch (Exception e) when (e is IOException or HttpListenerException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // The browser went away, or the file did: nothing more to say to it.
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }

    /// <summary>The file under root that a request names (a folder's index.html), never a path outside root.</summary>
    private static string? Resolve(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (!(full + Path.DirectorySeparatorChar).StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return null;
        }

        if (Directory.Exists(full))
        {
            full = Path.Combine(full, "index.html");
        }

        return File.Exists(full) ? full : null;
    }

    private static string ContentType(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".json" => "application/json; charset=utf-8",
        ".wasm" => "application/wasm",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".txt" or ".tsv" => "text/plain; charset=utf-8",
        ".ipynb" => "application/x-ipynb+json",
        _ => "application/octet-stream",
    };

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();
}
