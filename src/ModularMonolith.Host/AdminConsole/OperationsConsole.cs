using ModularMonolith.Host.AdminConsole.Flows;
using ModularMonolith.Host.AdminConsole.Projections;
using ModularMonolith.Host.AdminConsole.SigningIn;
using ModularMonolith.Host.AdminConsole.Streams;
using ModularMonolith.Host.AdminConsole.Traces;
using OpenTelemetry.Trace;

namespace ModularMonolith.Host.AdminConsole;

/// <summary>
/// The admin console at <c>/console</c> (issue #16, docs/adr/0014): Razor components rendered on the server, a cookie
/// holding the admin's token, antiforgery on every POST, and the host's recent traces in memory.
/// </summary>
internal static class OperationsConsole
{
    public static WebApplicationBuilder AddOperationsConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddAntiforgery();
        builder.Services.AddConsoleAuthentication();
        builder.Services.AddSingleton<ProjectionRebuilds>();
        builder.Services.AddSingleton<StreamViews>();
        builder.Services.AddSingleton<OrderFlow>();
        var traces = new RecentTraces { Enabled = builder.Configuration.GetValue(RecentTraces.Setting, true) };
        builder.Services.AddSingleton(traces);
        if (traces.Enabled) builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(traces));
        return builder;
    }

    public static WebApplication UseOperationsConsole(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(ConsoleAuthentication.Path))
            {
                var headers = context.Response.Headers;
                // Inline style attributes draw the trace waterfall; no inline script anywhere.
                headers.ContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                                                "frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
                headers.XContentTypeOptions = "nosniff";
                // What antiforgery sets on every page holding a form (each holds the sign-out form); anything else
                // makes it override the header and log a Warning per page.
                headers.CacheControl = "no-cache, no-store";
                headers.Pragma = "no-cache";
                headers["Referrer-Policy"] = "no-referrer";
            }
            return next(context);
        });
        // After authorization (the console's policy puts its admin on HttpContext.User, which the tokens are bound to).
        app.UseAntiforgery();
        ConsoleEndpoints.Map(app);
        return app;
    }
}
