using JasperFx.Events.Projections;
using Npgsql;

namespace ModularMonolith.Host.Operations;

/// <summary>Section <c>Projections</c>: when an async projection counts as unhealthy.</summary>
public sealed class ProjectionHealthOptions
{
    public const string Section = "Projections";

    /// <summary>Lag (events behind the log's head) above which a projection that is not progressing is degraded.</summary>
    public long LagThreshold { get; set; } = 1000;

    /// <summary>How long a lagging projection may go without advancing before it counts as stalled.</summary>
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromSeconds(30);
}

public enum ShardState
{
    /// <summary>Inline: written in the transaction of its events, never behind.</summary>
    Inline,
    /// <summary>Caught up with the log, or behind but advancing.</summary>
    Running,
    /// <summary>Behind and not advancing for longer than <see cref="ProjectionHealthOptions.StallAfter"/>.</summary>
    Stale,
    /// <summary>Never ran: no progress recorded yet.</summary>
    NotStarted
}

public sealed record ShardStatus(string Module, string Projection, uint Version, string Shard, string Lifecycle, long? Position,
    long HighWaterMark, long? LagEvents, double? LagSeconds, ShardState State, DateTimeOffset? LastProgressAt);

/// <summary>
/// Reads where every projection of every module this process runs stands (Marten's <c>mt_event_progression</c> against the head of
/// <c>mt_events</c>) and remembers, between reads, when each async shard last advanced: that is what tells a
/// projection that lags but works from one that is stuck.
/// </summary>
public sealed class ProjectionMonitor(IServiceProvider services, ModularMonolith.Host.Wiring.ModuleDatabases databases, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<ProjectionHealthOptions> options)
{
    private readonly Dictionary<string, (long Position, DateTimeOffset At)> _lastProgress = new();
    private readonly Lock _gate = new();

    public ProjectionHealthOptions Options => options.Value;

    public async Task<IReadOnlyList<ShardStatus>> ReadAsync(CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var result = new List<ShardStatus>();
        // Only the modules this process runs: the others' stores (and databases) belong to other processes.
        foreach (var module in ModuleStores.Enabled(services))
        {
            var store = ModuleStores.Resolve(services, module);
            var schema = store.Options.Events.DatabaseSchemaName;
            var database = databases.For(module);
            var head = await HeadAsync(database, schema, cancellation);
            var positions = await PositionsAsync(database, schema, cancellation);

            foreach (var projection in store.Options.Projections.All.OrderBy(p => p.Name))
            {
                var shard = ModuleStores.ShardOf(projection.Name, projection.Version);
                if (projection.Lifecycle == ProjectionLifecycle.Inline)
                {
                    result.Add(new ShardStatus(module, projection.Name, projection.Version, shard, "inline", null,
                        head, 0, 0, ShardState.Inline, null));
                    continue;
                }

                long? position = positions.TryGetValue(shard, out var p) ? p : null;
                var lag = position is null ? head : Math.Max(0, head - position.Value);
                double? lagSeconds = lag == 0 ? 0 : await OldestUnprojectedAgeAsync(database, schema, position ?? 0, now, cancellation);
                var (state, lastProgress) = Judge($"{module}/{shard}", position, lag, now);
                result.Add(new ShardStatus(module, projection.Name, projection.Version, shard, "async", position, head, lag,
                    lagSeconds, state, lastProgress));
            }
        }
        return result;
    }

    /// <summary>Running while caught up or advancing; stale once it has lagged without advancing for StallAfter.</summary>
    public (ShardState State, DateTimeOffset LastProgressAt) Judge(string key, long? position, long lag, DateTimeOffset now)
    {
        lock (_gate)
        {
            var current = position ?? -1;
            if (!_lastProgress.TryGetValue(key, out var last) || current != last.Position || lag == 0)
                _lastProgress[key] = last = (current, now);

            var state = position is null && lag > 0 && now - last.At >= options.Value.StallAfter ? ShardState.NotStarted
                : lag > 0 && now - last.At >= options.Value.StallAfter ? ShardState.Stale
                : ShardState.Running;
            return (state, last.At);
        }
    }

    private static async Task<long> HeadAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand($"select coalesce(max(seq_id), 0) from {schema}.mt_events");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation));
    }

    private static async Task<Dictionary<string, long>> PositionsAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand($"select name, last_seq_id from {schema}.mt_event_progression");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var positions = new Dictionary<string, long>();
        while (await reader.ReadAsync(cancellation)) positions[reader.GetString(0)] = reader.GetInt64(1);
        return positions;
    }

    private static async Task<double?> OldestUnprojectedAgeAsync(NpgsqlDataSource dataSource, string schema, long position, DateTimeOffset now, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"select timestamp from {schema}.mt_events where seq_id > $1 order by seq_id limit 1");
        command.Parameters.AddWithValue(position);
        return await command.ExecuteScalarAsync(cancellation) is DateTime at
            ? Math.Max(0, (now - new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))).TotalSeconds)
            : null;
    }
}
