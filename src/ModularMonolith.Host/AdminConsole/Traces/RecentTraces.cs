using System.Diagnostics;
using OpenTelemetry;

namespace ModularMonolith.Host.AdminConsole.Traces;

/// <summary>One finished span as the console's waterfall draws it.</summary>
public sealed record SpanRecord(string SpanId, string? ParentSpanId, string Source, string Name, ActivityKind Kind,
    DateTimeOffset Start, TimeSpan Duration, ActivityStatusCode Status, string? StatusDescription,
    IReadOnlyList<KeyValuePair<string, string>> Attributes);

/// <summary>A trace as far as it has finished: its spans in the order they started.</summary>
public sealed record TraceRecord(string TraceId, IReadOnlyList<SpanRecord> Spans, int DroppedSpans)
{
    /// <summary>The span without a parent in this process, else the earliest one (its parent ran elsewhere).</summary>
    public SpanRecord Root => Spans.FirstOrDefault(s => s.ParentSpanId is null) ?? Spans[0];
    public DateTimeOffset Start => Spans.Min(s => s.Start);
    public TimeSpan Duration => Spans.Max(s => s.Start + s.Duration) - Start;
    public bool Failed => Spans.Any(s => s.Status == ActivityStatusCode.Error);
}

/// <summary>
/// The host's memory of recent traces, for the console's Traces screen (docs/adr/0014): an OpenTelemetry processor
/// beside the exporters that keeps finished spans, bounded by trace count and by spans per trace, so a busy node
/// holds a few megabytes at most. Only traces that start with an HTTP request (the console's own excepted) are kept.
/// </summary>
public sealed class RecentTraces : BaseProcessor<Activity>
{
    public const int MaxTraces = 200;
    public const int MaxSpansPerTrace = 500;

    /// <summary>
    /// <c>AdminConsole:RecentTraces</c> (environment <c>AdminConsole__RecentTraces</c>), true unless set to false: a node
    /// whose traces go to a backend of their own (OTLP) need not copy every span into memory as well.
    /// </summary>
    public const string Setting = "AdminConsole:RecentTraces";

    /// <summary>Whether this node records traces (the processor is registered only then).</summary>
    public bool Enabled { get; init; } = true;

    private static readonly HashSet<string> BackgroundSources = ["Npgsql", "Marten"];

    private readonly Lock _gate = new();
    private readonly Dictionary<ActivityTraceId, Entry> _traces = new();
    private readonly LinkedList<ActivityTraceId> _order = new();

    private sealed class Entry(LinkedListNode<ActivityTraceId> node)
    {
        public readonly LinkedListNode<ActivityTraceId> Node = node;
        // The finished spans themselves: turned into records only when the console asks (Snapshot), not on every
        // span of every request; an exporter's batch processor holds finished spans the same way.
        public readonly List<Activity> Spans = [];
        public int Dropped;
    }

    public override void OnEnd(Activity activity)
    {
        var isRoot = activity.ParentSpanId == default;
        lock (_gate)
        {
            if (isRoot && !IsWorthKeeping(activity))
            {
                // Its children (ended first) were buffered under the same trace id: forget them with it.
                if (_traces.Remove(activity.TraceId, out var noise)) _order.Remove(noise.Node);
                return;
            }

            if (!_traces.TryGetValue(activity.TraceId, out var entry))
            {
                entry = new Entry(_order.AddLast(activity.TraceId));
                _traces[activity.TraceId] = entry;
                while (_traces.Count > MaxTraces)
                {
                    _traces.Remove(_order.First!.Value);
                    _order.RemoveFirst();
                }
            }

            if (entry.Spans.Count >= MaxSpansPerTrace)
            {
                entry.Dropped++;
                return;
            }
            entry.Spans.Add(activity);
        }
    }

    /// <summary>
    /// A trace is kept when it starts with an HTTP request from outside, not the console's own pages and polling: the
    /// durability agent's, the daemon's and the database's own spans start traces of their own several times a second,
    /// and would push every business flow out of the store within seconds. A message's handler spans belong to the
    /// trace of the request that caused them (their parent travels in the envelope), so they are kept with it.
    /// </summary>
    private static bool IsWorthKeeping(Activity root) =>
        root.Source.Name == "Microsoft.AspNetCore" &&
        !(root.GetTagItem("url.path") as string ?? "").StartsWith("/console", StringComparison.OrdinalIgnoreCase);

    /// <summary>Traces with at least one span that is not background noise, newest first.</summary>
    public IReadOnlyList<TraceRecord> Recent(int limit = 50)
    {
        lock (_gate)
            return _order.Reverse().Select(id => Snapshot(id, _traces[id]))
                .Where(t => t.Spans.Any(s => !BackgroundSources.Contains(s.Source)))
                .Take(limit).ToList();
    }

    public TraceRecord? Find(string traceId)
    {
        lock (_gate)
            return _traces.FirstOrDefault(t => t.Key.ToHexString() == traceId) is { Value: { } entry } found
                ? Snapshot(found.Key, entry) : null;
    }

    /// <summary>
    /// The most recent trace holding a span whose attribute <paramref name="key"/> contains <paramref name="text"/>.
    /// The spans' own tags are matched, and only the trace found is turned into records: the order flow looks a trace
    /// up on every view, and formatting every kept trace for it (up to <see cref="MaxTraces"/> × <see cref="MaxSpansPerTrace"/>
    /// spans) cost far more than the match.
    /// </summary>
    public TraceRecord? FindByAttribute(string key, string text)
    {
        lock (_gate)
        {
            for (var node = _order.Last; node is not null; node = node.Previous)
            {
                var entry = _traces[node.Value];
                if (entry.Spans.Any(span => HasAttribute(span, key, text))) return Snapshot(node.Value, entry);
            }
            return null;
        }
    }

    /// <summary>The test <see cref="FindByAttribute"/> made on the records, on the span's tag: its value as <see cref="Record"/> writes it.</summary>
    private static bool HasAttribute(Activity span, string key, string text)
    {
        foreach (var tag in span.TagObjects)
            if (tag.Key == key && tag.Value is not null && (Text(tag.Value) ?? "").Contains(text, StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    private static string? Text(object value) => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);

    private static TraceRecord Snapshot(ActivityTraceId id, Entry entry) =>
        new(id.ToHexString(), entry.Spans.Select(Record).OrderBy(s => s.Start).ToList(), entry.Dropped);

    private static SpanRecord Record(Activity activity) => new(
        activity.SpanId.ToHexString(),
        activity.ParentSpanId == default ? null : activity.ParentSpanId.ToHexString(),
        activity.Source.Name, activity.DisplayName, activity.Kind,
        new DateTimeOffset(activity.StartTimeUtc, TimeSpan.Zero), activity.Duration,
        activity.Status, activity.StatusDescription,
        activity.TagObjects.Where(t => t.Value is not null)
            .Select(t => new KeyValuePair<string, string>(t.Key, Text(t.Value!) ?? ""))
            .ToList());
}
