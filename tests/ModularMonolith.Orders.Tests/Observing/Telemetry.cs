using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ModularMonolith.Orders.Tests;

/// <summary>Collects what the host's OpenTelemetry pipeline exports, beside (not instead of) its own exporters.</summary>
public sealed class Telemetry
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly List<Metric> _metrics = new();
    private readonly ConcurrentQueue<LogEntry> _logs = new();
    private readonly List<(Func<Activity, bool> Match, TaskCompletionSource<Activity> Found)> _awaited = new();

    /// <summary>What a test needs of a log record (OpenTelemetry reuses the records themselves).</summary>
    public sealed record LogEntry(string Category, LogLevel Level, string Message, ActivityTraceId TraceId, ActivitySpanId SpanId, Exception? Exception);

    public IReadOnlyList<LogEntry> Logs => _logs.ToList();

    public void AddTo(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing =>
            tracing.AddProcessor(new SimpleActivityExportProcessor(new Sink(this))));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(_metrics));
        services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddProcessor(new LogSink(_logs)));
    }

    public IReadOnlyList<Activity> Trace(ActivityTraceId trace) => _spans.Where(s => s.TraceId == trace).ToList();

    public IReadOnlyList<Activity> Spans => _spans.ToList();

    /// <summary>
    /// The first span matching, once it has ended: a handler's span ends after the tracked session has already seen
    /// what the handler did (the message moved to the dead letters, the cascaded message sent), so a test that reads
    /// <see cref="Spans"/> right away can miss it. Completed by the exporter, bounded by <paramref name="timeout"/>.
    /// </summary>
    public async Task<Activity> SpanAsync(Func<Activity, bool> match, TimeSpan? timeout = null)
    {
        var found = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_awaited)
        {
            var ended = _spans.FirstOrDefault(match);
            if (ended is not null) return ended;
            _awaited.Add((match, found));
        }
        try
        {
            return await found.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no matching span ended within the timeout; ended spans:\n" +
                                       string.Join("\n", _spans.Select(s => $"{s.Source.Name} {s.DisplayName} {s.TraceId}")));
        }
        finally
        {
            lock (_awaited) _awaited.RemoveAll(a => a.Found == found);
        }
    }

    private void Ended(Activity span)
    {
        lock (_awaited)
        {
            _spans.Enqueue(span);
            foreach (var (match, found) in _awaited)
                if (match(span)) found.TrySetResult(span);
        }
    }

    /// <summary>Collects every instrument now (observable gauges included) and returns the exported metrics.</summary>
    public IReadOnlyList<Metric> CollectMetrics(IServiceProvider host)
    {
        lock (_metrics)
        {
            _metrics.Clear();
            // The result is false whenever one reader cannot flush (Prometheus' is pulled, not pushed); the
            // in-memory reader has collected regardless.
            host.GetRequiredService<MeterProvider>().ForceFlush(10_000);
            return _metrics.ToList();
        }
    }

    public static List<(IReadOnlyDictionary<string, object?> Tags, double Value)> Points(Metric metric)
    {
        var points = new List<(IReadOnlyDictionary<string, object?> Tags, double Value)>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new Dictionary<string, object?>();
            foreach (var tag in point.Tags) tags[tag.Key] = tag.Value;
            double value = metric.MetricType switch
            {
                MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                MetricType.LongGauge => point.GetGaugeLastValueLong(),
                MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                MetricType.Histogram => point.GetHistogramCount(),
                _ => double.NaN
            };
            points.Add((tags, value));
        }
        return points;
    }

    private sealed class LogSink(ConcurrentQueue<LogEntry> logs) : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord record) => logs.Enqueue(new LogEntry(record.CategoryName ?? "", record.LogLevel,
            record.FormattedMessage ?? record.Body ?? "", record.TraceId, record.SpanId, record.Exception));
    }

    private sealed class Sink(Telemetry telemetry) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch) telemetry.Ended(activity);
            return ExportResult.Success;
        }
    }
}
