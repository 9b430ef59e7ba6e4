using System.Diagnostics.Metrics;
using ModularMonolith.BuildingBlocks.Observability;

namespace ModularMonolith.Host.Operations;

/// <summary>
/// Gauges read from the database when metrics are collected (a Prometheus scrape, an OTLP export): async projection
/// lag per shard, from <see cref="ProjectionMonitor"/> (Marten exports no lag metric), and dead letters waiting, from
/// Wolverine's dead-letter summary (Wolverine counts letters as they are moved, not those still waiting).
/// </summary>
public sealed class OperationsMetrics : IDisposable
{
    public const string ProjectionLag = "modularmonolith.projection.lag";
    public const string ProjectionLagSeconds = "modularmonolith.projection.lag_seconds";
    public const string DeadLetters = "modularmonolith.dead_letters";

    private readonly Meter _meter;

    public OperationsMetrics(IMeterFactory meters, ProjectionMonitor monitor, DeadLetterReader deadLetters)
    {
        _meter = meters.Create(EventAppends.MeterName);
        // Observable callbacks are synchronous; they run on the exporter's thread, once per collection.
        _meter.CreateObservableGauge(ProjectionLag, () => Shards(monitor)
                .Select(s => new Measurement<long>(s.LagEvents ?? 0, Tags(s))), "{event}",
            "Events in a module's log that an async projection shard has not processed yet");
        _meter.CreateObservableGauge(ProjectionLagSeconds, () => Shards(monitor)
                .Select(s => new Measurement<double>(s.LagSeconds ?? 0, Tags(s))), "s",
            "Age of the oldest event an async projection shard has not processed yet");
        _meter.CreateObservableGauge(DeadLetters, () => deadLetters.CountAsync(CancellationToken.None).GetAwaiter().GetResult()
                .GroupBy(c => (c.MessageType, c.ExceptionType))
                .Select(g => new Measurement<int>(g.Sum(c => c.Count),
                    new KeyValuePair<string, object?>("message_type", g.Key.MessageType),
                    new KeyValuePair<string, object?>("exception_type", g.Key.ExceptionType),
                    new KeyValuePair<string, object?>("module", deadLetters.ModuleOf(g.Key.MessageType)))), "{message}",
            "Messages waiting in Wolverine's dead-letter storage");
    }

    private static IEnumerable<ShardStatus> Shards(ProjectionMonitor monitor) =>
        monitor.ReadAsync(CancellationToken.None).GetAwaiter().GetResult().Where(s => s.Lifecycle == "async");

    private static KeyValuePair<string, object?>[] Tags(ShardStatus s) =>
        [new("module", s.Module), new("shard", s.Shard)];

    public void Dispose() => _meter.Dispose();
}
