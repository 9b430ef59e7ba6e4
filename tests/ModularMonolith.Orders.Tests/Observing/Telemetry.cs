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
    private readonly Arrivals<Activity> _spans = new(s => $"{s.Source.Name} {s.DisplayName} {s.TraceId}");
    private readonly List<Metric> _metrics = new();
    private readonly Arrivals<LogEntry> _logs = new(l => $"{l.Level} {l.Category}: {l.Message}");

    /// <summary>What a test needs of a log record (OpenTelemetry reuses the records themselves).</summary>
    public sealed record LogEntry(string Category, LogLevel Level, string Message, ActivityTraceId TraceId, ActivitySpanId SpanId, Exception? Exception);

    public IReadOnlyList<LogEntry> Logs => _logs.All;

    public void AddTo(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing =>
            tracing.AddProcessor(new SimpleActivityExportProcessor(new Sink(_spans))));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(_metrics));
        services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddProcessor(new LogSink(_logs)));
    }

    public IReadOnlyList<Activity> Trace(ActivityTraceId trace) => _spans.All.Where(s => s.TraceId == trace).ToList();

    public IReadOnlyList<Activity> Spans => _spans.All;

    /// <summary>
    /// The first span matching, once it has ended: a handler's span ends after the tracked session has already seen
    /// what the handler did (the message moved to the dead letters, the cascaded message sent), so a test that reads
    /// <see cref="Spans"/> right away can miss it.
    /// </summary>
    public Task<Activity> SpanAsync(Func<Activity, bool> match) => _spans.FirstAsync(match, "span ended");

    /// <summary>
    /// The first log record matching, once written: Wolverine records a dead letter for the tracked session before it
    /// writes the line that says so, so a test that reads <see cref="Logs"/> right away can miss that line.
    /// </summary>
    public Task<LogEntry> LogAsync(Func<LogEntry, bool> match) => _logs.FirstAsync(match, "log record written");

    /// <summary>Items as the pipeline hands them over, and waits for one that has not arrived yet (no polling).</summary>
    private sealed class Arrivals<T>(Func<T, string> describe) where T : class
    {
        private readonly List<T> _items = new();
        private readonly List<(Func<T, bool> Match, TaskCompletionSource<T> Found)> _awaited = new();

        public IReadOnlyList<T> All
        {
            get { lock (_items) return _items.ToList(); }
        }

        public void Add(T item)
        {
            lock (_items)
            {
                _items.Add(item);
                foreach (var (match, found) in _awaited)
                    if (match(item)) found.TrySetResult(item);
            }
        }

        /// <summary>Completed by <see cref="Add"/>; bounded by 30 s, after which it names what did arrive.</summary>
        public async Task<T> FirstAsync(Func<T, bool> match, string what)
        {
            var found = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_items)
            {
                if (_items.FirstOrDefault(match) is { } arrived) return arrived;
                _awaited.Add((match, found));
            }
            try
            {
                return await found.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"no matching {what} within 30 s; there were:\n" + string.Join("\n", All.Select(describe)));
            }
            finally
            {
                lock (_items) _awaited.RemoveAll(a => a.Found == found);
            }
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

    private sealed class LogSink(Arrivals<LogEntry> logs) : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord record) => logs.Add(new LogEntry(record.CategoryName ?? "", record.LogLevel,
            record.FormattedMessage ?? record.Body ?? "", record.TraceId, record.SpanId, record.Exception));
    }

    private sealed class Sink(Arrivals<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch) spans.Add(activity);
            return ExportResult.Success;
        }
    }
}
