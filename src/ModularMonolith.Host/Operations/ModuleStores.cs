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
}
