using Marten;
using ModularMonolith.Host.Wiring;
using Npgsql;

namespace ModularMonolith.Host.Operations;

/// <summary>
/// The host's one list of module stores, by module name, for the admin verbs and endpoints. <see cref="ByModule"/> is
/// every module this binary knows; <see cref="Enabled"/> those this process runs (Modules:Enabled): only their stores
/// exist here, the others' data lives in other processes' databases.
/// </summary>
public static class ModuleStores
{
    public static readonly IReadOnlyDictionary<string, Type> ByModule =
        Topology.All.ToDictionary(m => m.Name, m => m.Store, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Enabled(IServiceProvider services) =>
        services.GetRequiredService<Topology>().Enabled.Select(m => m.Name).ToList();

    /// <summary>Why a module named by an operator cannot be used here, or null when it can.</summary>
    public static string? RefusalFor(IServiceProvider services, string module) =>
        !ByModule.ContainsKey(module) ? $"Unknown module '{module}'. Modules: {string.Join(", ", ByModule.Keys)}."
        : !services.GetRequiredService<Topology>().Runs(module)
            ? $"Module '{module}' does not run in this process (Modules:Enabled runs {string.Join(", ", Enabled(services))}); ask the process that runs it."
            : null;

    public static DocumentStore Resolve(IServiceProvider services, string module) =>
        (DocumentStore)services.GetRequiredService(ByModule[module]);

    /// <summary>The database the module's store lives in (its own, with a database per module).</summary>
    public static NpgsqlDataSource DatabaseOf(IServiceProvider services, string module) =>
        services.GetRequiredService<ModuleDatabases>().For(module);

    /// <summary>The row Marten keeps a projection's progress in: "Name:All", and "Name:V2:All" from version 2 on.</summary>
    public static string ShardOf(string projection, uint version) =>
        new JasperFx.Events.Projections.ShardName(projection, JasperFx.Events.Projections.ShardName.All, version).Identity;
}
