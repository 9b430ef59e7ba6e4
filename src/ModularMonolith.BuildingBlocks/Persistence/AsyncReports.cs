using JasperFx.Events.Projections;

namespace ModularMonolith.BuildingBlocks.Persistence;

/// <summary>
/// How the modules' async report projections (aggregations over many streams: a document per sku, per day, per
/// customer) run in the daemon.
/// </summary>
public static class AsyncReports
{
    /// <summary>The most recently used aggregates an async report keeps in memory per tenant.</summary>
    public const int AggregatesKeptInMemory = 1_000;

    /// <summary>
    /// Keep recently used aggregates in memory between daemon batches (Marten's <c>CacheLimitPerTenant</c>): without it
    /// every batch reads each of its documents back before applying the batch's events, one query and one connection
    /// checkout more per batch, the same twenty product documents ten times a second while carts are filled
    /// (docs/adr/0021). It is safe because the daemon builds a new cache each time it starts a projection's agent (after
    /// a restart, or when Wolverine moves the agent to another node and back) and adds to it only after the batch that
    /// wrote the documents committed.
    /// </summary>
    public static void KeepRecentAggregates(AsyncOptions options) => options.CacheLimitPerTenant = AggregatesKeptInMemory;
}
