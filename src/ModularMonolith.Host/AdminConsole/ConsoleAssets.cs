namespace ModularMonolith.Host.AdminConsole;

/// <summary>
/// The console's stylesheet and script, compiled into the host (AdminConsole/Assets, embedded): no static-file folder to
/// deploy or to find from the tests' content root, and no npm toolchain. Anonymous: they hold nothing secret.
/// </summary>
internal static class ConsoleAssets
{
    private static readonly Dictionary<string, string> ContentTypes = new()
    {
        ["console.css"] = "text/css; charset=utf-8",
        ["console.js"] = "text/javascript; charset=utf-8"
    };

    public static IResult Serve(string file)
    {
        if (!ContentTypes.TryGetValue(file, out var contentType)) return Results.NotFound();
        var stream = typeof(ConsoleAssets).Assembly.GetManifestResourceStream($"console/{file}");
        return stream is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }
}
