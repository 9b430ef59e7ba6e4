using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.BuildingBlocks.Observability;
using Weasel.Core;
using Weasel.Postgresql.Connections;
using Wolverine.Marten;

namespace ModularMonolith.BuildingBlocks.Persistence;

/// <summary>
/// How every module's Marten store is set up, so the three stores cannot drift apart. Each module gets its own
/// ancillary store (ADR 0001): documents <b>and</b> event tables live in the module's schema, and Wolverine's
/// envelope tables in the shared <see cref="MessagingSchema"/>, so a handler's events and outgoing messages
/// commit in one transaction.
/// </summary>
public static class ModuleStore
{
    public const string MessagingSchema = "wolverine";

    public static MartenServiceCollectionExtensions.MartenStoreExpression<TStore> AddModuleStore<TStore>(
        this IServiceCollection services, string schema, Action<StoreOptions> configure)
        where TStore : class, IDocumentStore =>
        services.AddModuleStore<TStore>(schema, (options, _) => configure(options));

    /// <summary>As above, for a module whose store depends on its settings (resolved from <c>provider</c>).</summary>
    public static MartenServiceCollectionExtensions.MartenStoreExpression<TStore> AddModuleStore<TStore>(
        this IServiceCollection services, string schema, Action<StoreOptions, IServiceProvider> configure)
        where TStore : class, IDocumentStore
    {
        return services.AddMartenStore<TStore>(provider =>
            {
                var settings = provider.GetRequiredService<PersistenceSettings>();
                var options = new StoreOptions();
                // Its data source traces a command only when something traces the caller: the daemon's polling
                // makes no root spans of its own (DatabaseSpans).
                options.DataSourceFactory(new DefaultNpgsqlDataSourceFactory(DatabaseSpans.Builder),
                    settings.ConnectionStringFor(schema));
                options.DatabaseSchemaName = schema;
                options.Events.DatabaseSchemaName = schema;
                options.AutoCreateSchemaObjects = settings.AutoCreate;

                options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
                // Quick append mode: the events and the stream's new version are written by one database function,
                // with no read of the stream row and no nextval before it (Rich mode's two extra statements). The
                // inline snapshots still carry the exact stream version (our ETags): Marten sets it from the
                // version FetchForWriting read (docs/adr/0012).
                options.Events.AppendMode = EventAppendMode.QuickWithServerTimestamps;
                // An append that checks the version locks the stream row FIRST, as a retried write's read does
                // (FetchForExclusiveWriting). Without it the function inserts the events before it updates the row,
                // the opposite order to a retry's, and concurrent writers of one stream deadlock (40P01) instead of
                // queueing; a loser also burns a sequence number, a gap the high-water agent waits on (docs/adr/0016).
                options.Events.UseExclusiveLockOnConcurrentAppends = true;
                // The aggregate FetchForWriting loaded is the one the inline snapshot projection applies the new
                // events to at commit, instead of loading the snapshot again.
                options.Events.UseIdentityMapForAggregates = true;
                // One connection per session, from its first read to its commit: a command checks a connection out
                // of the pool once, not once per read (docs/adr/0012).
                options.UseStickyConnectionLifetimes = true;
                // The async daemon's lock: the default multiplexed advisory lock throws with the DistributedLock
                // stand-in and HotCold mode then retries forever without projecting (docs/adr/0002).
                options.Events.UseAdvisoryLockTransaction = true;
                options.Events.StreamIdentity = StreamIdentity.AsGuid;
                // Async projections learn of new events from the high-water agent. This process's own appends wake it
                // at once (AppendWakeup); it polls every 100 ms while events flow and every 2 s when it found none,
                // for events other nodes append. Polling every 100 ms while idle cost ~8 % of a core (docs/adr/0012).
                var wakeup = new AppendWakeup();
                options.Listeners.Add(wakeup);
                options.Projections.Wakeup = wakeup;
                options.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
                options.Projections.SlowPollingTime = TimeSpan.FromSeconds(2);
                // Wolverine runs the async projections (below), so Marten must host no daemon of its own. Left at
                // Disabled, Marten also prints "The async daemon is disabled ... will not be executed" on every
                // start and every CLI verb, which is false here; ExternallyManaged is the same posture without the
                // false warning (what later Wolverine versions set themselves for the main store).
                options.Projections.AsyncMode = DaemonMode.ExternallyManaged;

                EventAppends.CountFor(options, schema);

                configure(options, provider);
                return options;
            })
            .IntegrateWithWolverine(wolverine =>
            {
                wolverine.SchemaName = MessagingSchema;
                // Wolverine runs the async projections as agents spread over the nodes (Solo mode: all here).
                // This also avoids the daemon's multiplexed advisory lock (docs/adr/0002).
                wolverine.UseWolverineManagedEventSubscriptionDistribution = true;
            });
    }
}

/// <summary>
/// Settings the host resolves once and every module store reads. A module runs on its own database when
/// <paramref name="ModuleConnectionStrings"/> names one for its schema (docs/architecture.md, "Topologies").
/// </summary>
public sealed record PersistenceSettings(string ConnectionString, AutoCreate AutoCreate,
    IReadOnlyDictionary<string, string>? ModuleConnectionStrings = null)
{
    /// <summary>The connection string of a module's Marten store: its database's, without the pool's reset.</summary>
    public string ConnectionStringFor(string schema) =>
        WithoutResetOnClose(ModuleConnectionStrings?.GetValueOrDefault(schema) ?? ConnectionString);

    /// <summary>
    /// A module store's connections go back to the pool without Npgsql's reset (<c>No Reset On Close</c>): with
    /// prepared statements kept, that reset is six statements PostgreSQL parses and runs at every checkout, more
    /// statements than an add item's own SQL. Nothing this process runs on these pools leaves session state behind
    /// (no session advisory lock, SET, LISTEN or temp table: docs/adr/0019, test <c>PooledConnectionsCarryNoSessionState</c>);
    /// Wolverine's leader and agent locks hold connections of Wolverine's own data source, which keeps the reset.
    /// A connection string that sets it keeps its own value.
    /// </summary>
    public static string WithoutResetOnClose(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var setsItself = given.Keys.Cast<string>()
            .Any(key => string.Equals(key.Replace(" ", ""), "NoResetOnClose", StringComparison.OrdinalIgnoreCase));
        return setsItself ? connectionString : $"{connectionString.TrimEnd(';', ' ')};No Reset On Close=true";
    }
}
