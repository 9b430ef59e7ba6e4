using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ModularMonolith.Console.Tests;

/// <summary>
/// A Kestrel listener on 127.0.0.1 (a free port) that hands every request, unchanged, to the host's in-memory server:
/// a browser needs a socket, and Alba's TestServer has none. The host stays exactly as every other test starts it;
/// only the transport is added (docs/adr/0014).
/// </summary>
public sealed class LoopbackPort : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
        { "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host" };

    private readonly WebApplication _app;

    private LoopbackPort(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<LoopbackPort> StartAsync(HttpMessageHandler host)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // Same process as the host: with ASP.NET Core's own activity source the host's tracer would record this
        // listener's requests too, as traces of their own that look like the host's (same paths).
        builder.Services.AddSingleton(new System.Diagnostics.ActivitySource("LoopbackPort"));
        builder.Services.AddSingleton(new System.Diagnostics.DiagnosticListener("LoopbackPort"));
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(host, disposeHandler: false);
        app.Run(async context =>
        {
            var request = context.Request;
            using var forward = new HttpRequestMessage(new HttpMethod(request.Method),
                new Uri($"http://{request.Host}{request.PathBase}{request.Path}{request.QueryString}"));
            if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
                forward.Content = new StreamContent(request.Body);
            foreach (var (name, values) in request.Headers.Where(h => !HopByHop.Contains(h.Key)))
                if (!forward.Headers.TryAddWithoutValidation(name, values.ToArray()))
                    forward.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());

            using var response = await invoker.SendAsync(forward, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers).Where(h => !HopByHop.Contains(h.Key)))
                context.Response.Headers[name] = values.ToArray();
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new LoopbackPort(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
