using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Http;
using ModularMonolith.BuildingBlocks.Http;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.BuildingBlocks.EventSourcing;
using Npgsql;

namespace ModularMonolith.Host.Operations;

/// <summary>
/// One projection of one module rebuilt from the module's event log by Marten's daemon, and where the rebuild stands:
/// the position Marten records in <c>mt_event_progression</c> against the head of the log. The one implementation
/// behind the <c>rebuild</c> verb (<see cref="RebuildCommand"/>) and the console's Rebuild button.
/// </summary>
public sealed class ProjectionRebuild
{
    private readonly NpgsqlDataSource _database;

    private readonly SnapshotRebuilder? _ownRebuild;

    private ProjectionRebuild(string module, DocumentStore store, NpgsqlDataSource database, string projection,
        uint version, ProjectionLifecycle lifecycle, IReadOnlyList<Type> publishedTypes, SnapshotRebuilder? ownRebuild)
    {
        _ownRebuild = ownRebuild;
        Module = module;
        Store = store;
        _database = database;
        Projection = projection;
        Version = version;
        Lifecycle = lifecycle;
        PublishedTypes = publishedTypes;
    }

    public string Module { get; }
    public DocumentStore Store { get; }

    /// <summary>The projection's name as the module registered it (what an operator typed may differ in case).</summary>
    public string Projection { get; }

    public uint Version { get; }
    public ProjectionLifecycle Lifecycle { get; }
    public IReadOnlyList<Type> PublishedTypes { get; }

    private string Schema => Store.Options.Events.DatabaseSchemaName;

    /// <summary>
    /// The projection an operator named, or a refusal saying why there is none: an unknown module (400), a module this
    /// process does not run (404: its store and database belong to another process), an unknown projection (404,
    /// listing the module's projections).
    /// </summary>
    public static ProjectionRebuild Find(IServiceProvider services, string module, string projection)
    {
        if (ModuleStores.RefusalFor(services, module) is { } refusal)
            throw ModuleStores.ByModule.ContainsKey(module)
                ? new RequestRefused(StatusCodes.Status404NotFound, "The module does not run here.", refusal, "module")
                : RequestRefused.Invalid("module", refusal);

        var store = ModuleStores.Resolve(services, module);
        var found = store.Options.Projections.All.FirstOrDefault(p => string.Equals(p.Name, projection, StringComparison.OrdinalIgnoreCase))
                    ?? throw new RequestRefused(StatusCodes.Status404NotFound, "No such projection.",
                        $"Module {module} has no projection '{projection}'. Its projections: " +
                        string.Join(", ", store.Options.Projections.All.Select(p => p.Name)) + ".", "projection");
        // A module's own rebuild of a snapshot replaces Marten's for that projection's current version only.
        var ownRebuild = services.GetServices<SnapshotRebuilder>().FirstOrDefault(r =>
            r.Projection == found.Name && found.Version <= 1 && ReferenceEquals(services.GetService(r.StoreType), store));
        return new ProjectionRebuild(module.ToLowerInvariant(), store, ModuleStores.DatabaseOf(services, module), found.Name,
            found.Version, found.Lifecycle, found.PublishedTypes().ToList(), ownRebuild);
    }

    /// <summary>The sequence number of the module's last event: where a rebuild started now will end.</summary>
    public async Task<long> HeadAsync(CancellationToken cancellation)
    {
        await using var command = _database.CreateCommand($"select coalesce(max(seq_id), 0) from {Schema}.mt_events");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation));
    }

    /// <summary>How far the rebuild has come: the last sequence number its shard recorded.</summary>
    public async Task<long> PositionAsync(CancellationToken cancellation)
    {
        await using var command = _database.CreateCommand(
            $"select coalesce(max(last_seq_id), 0) from {Schema}.mt_event_progression where name = $1");
        command.Parameters.AddWithValue(ModuleStores.ShardOf(Projection, Version));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation));
    }

    /// <summary>Deletes the projection's documents and progress and projects the whole log again (30 minutes at most).</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        if (_ownRebuild is not null)
        {
            await _ownRebuild.Rebuild(Store, cancellation);
            return;
        }
        using var daemon = await Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(Projection, TimeSpan.FromMinutes(30), cancellation);
    }
}
