using System.Diagnostics;
using Npgsql;

namespace ModularMonolith.BuildingBlocks.Observability;

/// <summary>
/// Which database calls get an Npgsql span: those made on behalf of a request, a message handler or anything else
/// traced, never the background's polling. The async daemon's high-water agent and projection shards query a module
/// store several times a second, either with no <see cref="Activity.Current"/> or under a trace the daemon itself
/// started (Marten's <c>marten.daemon.*</c> spans; this host enables no other Marten span). Each such command made a
/// span carrying its batch's full SQL text (Npgsql concatenates a batch's statements for <c>db.query.text</c>), which
/// the console's trace store dropped (it keeps traces that start with an HTTP request) and an OTLP backend would receive
/// by the thousand a minute (#13). The daemon's own Marten spans stay. A request's or a handler's spans are exactly as
/// before (docs/operations.md, "Traces, metrics and logs").
/// </summary>
public static class DatabaseSpans
{
    /// <summary>A data source builder whose commands and batches are traced only inside an activity.</summary>
    public static NpgsqlDataSourceBuilder OnlyInsideActivities(this NpgsqlDataSourceBuilder builder) =>
        builder.ConfigureTracing(tracing => tracing
            .ConfigureCommandFilter(_ => CallerIsTraced())
            .ConfigureBatchFilter(_ => CallerIsTraced()));

    /// <summary>An activity is current and its trace did not start in Marten's daemon (its local root is not Marten's).</summary>
    private static bool CallerIsTraced()
    {
        var root = Activity.Current;
        if (root is null) return false;
        while (root.Parent is { } parent) root = parent;
        return root.Source.Name != DaemonSource;
    }

    private const string DaemonSource = "Marten";

    /// <summary>How every module store's data source is built (<see cref="Persistence.ModuleStore"/>, and the tests'
    /// observed stores, so they measure what production runs).</summary>
    public static NpgsqlDataSourceBuilder Builder(string connectionString) =>
        new NpgsqlDataSourceBuilder(connectionString).OnlyInsideActivities();
}
