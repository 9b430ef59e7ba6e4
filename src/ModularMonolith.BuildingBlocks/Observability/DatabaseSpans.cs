using System.Diagnostics;
using Npgsql;

namespace ModularMonolith.BuildingBlocks.Observability;

/// <summary>
/// Which database calls get an Npgsql span: those made on behalf of something already traced (an HTTP request, a
/// message handler, a CLI verb's own activity), never the background's polling. The async daemon's high-water agent
/// and projection shards query a module store several times a second with no <see cref="Activity.Current"/>: each such
/// command was a trace of its own, one span carrying its batch's full SQL text (Npgsql concatenates a batch's
/// statements for <c>db.query.text</c>), which nothing kept (the console's trace store drops traces that do not start
/// with an HTTP request) and any OTLP backend would receive as thousands of one-span traces a minute (#13). A traced
/// caller's spans are exactly as before: the filter only answers "is someone tracing this?" (docs/operations.md,
/// "Traces, metrics and logs").
/// </summary>
public static class DatabaseSpans
{
    /// <summary>A data source builder whose commands and batches are traced only inside an activity.</summary>
    public static NpgsqlDataSourceBuilder OnlyInsideActivities(this NpgsqlDataSourceBuilder builder) =>
        builder.ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(_ => Activity.Current is not null)
            .ConfigureBatchFilter(_ => Activity.Current is not null));

    /// <summary>How every module store's data source is built (<see cref="Persistence.ModuleStore"/>, and the tests'
    /// observed stores, so they measure what production runs).</summary>
    public static NpgsqlDataSourceBuilder Builder(string connectionString) =>
        new NpgsqlDataSourceBuilder(connectionString).OnlyInsideActivities();
}
