using ModularMonolith.Host.Operations;
using ModularMonolith.Host.Wiring;

namespace ModularMonolith.Host.AdminConsole.Projections;

/// <summary>A version of a projection as its progress row in <c>mt_event_progression</c> records it.</summary>
public sealed record ProjectionVersion(string Module, string Projection, uint Version, long Position, long Lag, bool RunHere);

public sealed record ProjectionsView(IReadOnlyList<ShardStatus> Shards, IReadOnlyList<RebuildProgress> Rebuilds,
    IReadOnlyList<ProjectionVersion> Versions)
{
    /// <summary>
    /// What the Projections screen shows: <see cref="ProjectionMonitor"/>'s status (as <c>GET /api/admin/projections</c>),
    /// this node's rebuilds, and every version with progress in the database: a node runs one version of DailySales,
    /// but the progress rows of the others (blue/green, docs/operations.md) say where they stand.
    /// </summary>
    public static async Task<ProjectionsView> ReadAsync(ProjectionMonitor monitor, ProjectionRebuilds rebuilds,
        ModuleDatabases databases, CancellationToken cancellation)
    {
        var shards = await monitor.ReadAsync(cancellation);
        var versions = new List<ProjectionVersion>();
        foreach (var module in shards.Select(s => s.Module).Distinct())
        {
            var head = shards.First(s => s.Module == module).HighWaterMark;
            // Each module's progress rows are in its own database (a database per module, docs/architecture.md).
            await using var command = databases.For(module).CreateCommand($"select name, last_seq_id from {module}.mt_event_progression order by name");
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                // "Name:All" is version 1, "Name:V2:All" version 2 (ModuleStores.ShardOf); the high-water mark has its own row.
                var parts = reader.GetString(0).Split(':');
                if (parts.Length < 2 || parts[0] == "HighWaterMark") continue;
                var version = parts.Length == 3 && parts[1].StartsWith('V') && uint.TryParse(parts[1][1..], out var v) ? v : 1u;
                var position = reader.GetInt64(1);
                versions.Add(new ProjectionVersion(module, parts[0], version, position, Math.Max(0, head - position),
                    shards.Any(s => s.Module == module && s.Projection == parts[0] && s.Version == version)));
            }
        }
        return new ProjectionsView(shards, await rebuilds.ReadAsync(cancellation), versions);
    }
}
