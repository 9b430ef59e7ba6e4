using Marten;
using ModularMonolith.Accounts;
using ModularMonolith.Cart;
using ModularMonolith.Orders;

namespace ModularMonolith.Host.Operations;

/// <summary>The host's one list of module stores, by module name, for the admin verbs and endpoints.</summary>
public static class ModuleStores
{
    public static readonly IReadOnlyDictionary<string, Type> ByModule = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        [AccountsModule.Schema] = typeof(IAccountsStore),
        [CartModule.Schema] = typeof(ICartStore),
        [OrdersModule.Schema] = typeof(IOrdersStore)
    };

    public static DocumentStore Resolve(IServiceProvider services, string module) =>
        (DocumentStore)services.GetRequiredService(ByModule[module]);

    /// <summary>The row Marten keeps a projection's progress in: "Name:All", and "Name:V2:All" from version 2 on.</summary>
    public static string ShardOf(string projection, uint version) =>
        new JasperFx.Events.Projections.ShardName(projection, JasperFx.Events.Projections.ShardName.All, version).Identity;
}
