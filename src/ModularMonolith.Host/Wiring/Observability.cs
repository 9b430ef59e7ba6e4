using System.Diagnostics.Metrics;
using System.Reflection;
using ModularMonolith.BuildingBlocks.Observability;
using ModularMonolith.Host.Operations;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Wolverine;

namespace ModularMonolith.Host.Wiring;

/// <summary>
/// OpenTelemetry (docs/adr/0009): traces, metrics and logs from what ASP.NET Core, Wolverine, Marten and Npgsql
/// already emit, plus the project's own meter. Exported over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set;
/// metrics are also served for Prometheus at <c>/metrics</c>.
/// </summary>
internal static class Observability
{
    public const string ServiceName = "ModularMonolith";
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        var version = typeof(Observability).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
            ?.InformationalVersion ?? "unknown";

        builder.Services.AddOptions<DeadLetterHealthOptions>().BindConfiguration(DeadLetterHealthOptions.Section);
        builder.Services.AddSingleton<DeadLetterReader>();
        builder.Services.AddSingleton<OperationsMetrics>();

        // Console and every other logger get the ambient trace and span ids as a scope.
        builder.Logging.Configure(logging => logging.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: version))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(http =>
                    // Scrapes and probes would outnumber real requests; they say nothing about a business flow.
                    http.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath) &&
                                             !context.Request.Path.StartsWithSegments("/health"))
                // Wolverine: send/receive/handle spans; the parent id travels in the envelope, through the durable
                // queues, so one checkout is one trace across the three modules.
                .AddSource("Wolverine")
                .AddSource("Marten")
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter("Marten")
                // The runtime's own meter (.NET 9+): GC heap and collections, working set, thread pool, JIT, locks.
                .AddMeter("System.Runtime")
                .AddMeter(EventAppends.MeterName)
                .AddInstrumentation(provider => provider.GetRequiredService<OperationsMetrics>())
                .AddPrometheusExporter())
            .WithLogging();

        // Meters are seen process-wide, and OpenTelemetry merges the instruments of equally named meters into one
        // stream: in a process running several hosts (the test assemblies do), a host would export another's counts
        // and, once that host stopped and disposed its meters, lose the merged stream (its own counts included) for
        // good. So a host takes only its own meters: its Wolverine runtime's ("Wolverine:" + the runtime's service
        // name, one `new Meter` per runtime) and those of its IMeterFactory (ASP.NET Core's, OperationsMetrics).
        //
        // The same (single) view bounds each stream's tag combinations: OpenTelemetry allocates a stream's storage for
        // its whole cardinality limit up front, 72 bytes a point, and the default limit of 2,000 made every stream a
        // 144 KB array on the large-object heap: 70-170 streams (each Marten shard, Wolverine and ASP.NET Core
        // instrument) held 10-25 MB live for the process's life (docs/adr/0020). Combinations beyond the limit are not
        // lost: they add up in one point tagged otel.metric.overflow=true.
        builder.Services.ConfigureOpenTelemetryMeterProvider((services, metrics) =>
        {
            metrics.AddMeter("Wolverine:" + services.GetRequiredService<WolverineOptions>().ServiceName);
            var ownMeters = services.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument => instrument.Meter.Scope is IMeterFactory factory && factory != ownMeters
                ? MetricStreamConfiguration.Drop
                : new MetricStreamConfiguration { CardinalityLimit = MetricCardinality.LimitFor(instrument) });
        });

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            otel.UseOtlpExporter();
        return builder;
    }

    public static WebApplication UseObservability(this WebApplication app)
    {
        // Anonymous like /health: Prometheus scrapes without a token; keep it off the public ingress (docs/adr/0009).
        app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
        return app;
    }
}
