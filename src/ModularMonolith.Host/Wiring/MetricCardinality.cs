using System.Diagnostics.Metrics;

namespace ModularMonolith.Host.Wiring;

/// <summary>
/// How many tag combinations one metric stream keeps before it folds the rest into its overflow point
/// (docs/adr/0020). OpenTelemetry reserves a stream's points for the whole limit when the stream is created, so the
/// limit is memory held for the process's life, not a ceiling reached only under load.
/// </summary>
internal static class MetricCardinality
{
    /// <summary>
    /// ASP.NET Core's instruments carry the route template, method and status code: 56 endpoints with a few status
    /// codes each are a few hundred combinations. 1,000 points (72 KB) keeps the stream off the large-object heap
    /// (85,000 bytes).
    /// </summary>
    public const int HttpLimit = 1000;

    /// <summary>
    /// Every other instrument's tags are message types, modules, event types or projection shards: tens of
    /// combinations, a few hundred at most as the modules grow. 250 points are 18 KB a stream.
    /// </summary>
    public const int Limit = 250;

    public static int LimitFor(Instrument instrument) =>
        instrument.Meter.Name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) ? HttpLimit : Limit;
}
