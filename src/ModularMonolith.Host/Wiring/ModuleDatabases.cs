using Npgsql;

namespace ModularMonolith.Host.Wiring;

/// <summary>
/// One data source per database this process's modules use, for the host's own SQL (readiness, projection status,
/// rebuild progress): with a database per module, "the" database no longer exists. The main one (the first enabled
/// module's, Wolverine's node records) is the container's <see cref="NpgsqlDataSource"/>.
/// </summary>
public sealed class ModuleDatabases : IAsyncDisposable
{
    private readonly Dictionary<string, NpgsqlDataSource> _byModule = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<NpgsqlDataSource> _owned = [];

    public ModuleDatabases(Topology topology, NpgsqlDataSource main)
    {
        var byConnectionString = new Dictionary<string, NpgsqlDataSource> { [topology.MainConnectionString] = main };
        foreach (var (module, connectionString) in topology.ConnectionStrings)
        {
            if (!byConnectionString.TryGetValue(connectionString, out var dataSource))
            {
                byConnectionString[connectionString] = dataSource = NpgsqlDataSource.Create(connectionString);
                _owned.Add(dataSource);
            }
            _byModule[module] = dataSource;
        }
        All = byConnectionString.Values.ToList();
    }

    /// <summary>Each distinct database once.</summary>
    public IReadOnlyList<NpgsqlDataSource> All { get; }

    public NpgsqlDataSource For(string module) => _byModule[module];

    /// <summary>The module's database, or null when the module does not run in this process.</summary>
    public NpgsqlDataSource? Find(string module) => _byModule.GetValueOrDefault(module);

    public async ValueTask DisposeAsync()
    {
        foreach (var dataSource in _owned) await dataSource.DisposeAsync();
    }
}
