using System.Text.Json;
using Alba;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Cart.Catalog;
using ModularMonolith.Testing;
using Xunit;

namespace ModularMonolith.Cart.Tests;

public sealed class CartApp : AppFixture
{
    protected override string DatabaseName => "cart";

    /// <summary>Connection checkouts and statements of single requests (<see cref="DatabaseCalls"/>).</summary>
    public DatabaseCalls Database { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => Database.Observe<ICartStore>(services);

    /// <summary>The Marten store of every module the host runs: Cart, Accounts, Orders.</summary>
    public IReadOnlyList<IDocumentStore> ModuleStores =>
    [
        Host.Services.GetRequiredService<ICartStore>(),
        Host.Services.GetRequiredService<Accounts.IAccountsStore>(),
        Host.Services.GetRequiredService<Orders.IOrdersStore>()
    ];

    /// <summary>The seeds' catalog, under skus unique to one test so tests can change prices independently.</summary>
    public async Task<Catalog> SeedCatalogAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var catalog = new Catalog($"banana-{suffix}", $"apple-{suffix}", $"mango-{suffix}", $"BANANAS-{suffix.ToUpperInvariant()}");
        await PutProductAsync(catalog.Banana, "Banana", 1.00m);
        await PutProductAsync(catalog.Apple, "Apple", 1.50m);
        await PutProductAsync(catalog.Mango, "Mango", 2.00m);
        await Host.Scenario(s =>
        {
            s.Put.Json(new PutDiscount(catalog.Banana, 2, 0.10m, true)).ToUrl($"/api/catalog/discounts/{catalog.TwoBananas}");
            s.Bearer(AdminToken());
        });
        return catalog;
    }

    public Task PutProductAsync(string sku, string name, decimal price, bool active = true) => Host.Scenario(s =>
    {
        s.Put.Json(new PutProduct(name, price, active)).ToUrl($"/api/catalog/products/{sku}");
        s.Bearer(AdminToken());
    });

    public async Task<Guid> OpenCartAsync(Guid customer)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Url("/api/carts");
            s.Bearer(CustomerToken(customer));
            s.StatusCodeShouldBe(201);
        });
        return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("id").GetGuid();
    }

    public Task<JsonElement> Send(Guid customer, string method, string url, object? body = null, int status = 200,
        Action<Scenario>? configure = null) =>
        Host.SendJsonAsync(method, url, CustomerToken(customer), body, status, configure);

    public Task WaitForAsyncProjectionsAsync() =>
        Host.Services.GetRequiredService<ICartStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

    public Task<long> CartEventCountAsync() => CountRowsAsync("cart.mt_events where type <> 'tombstone'");
}

public sealed record Catalog(string Banana, string Apple, string Mango, string TwoBananas);

[CollectionDefinition(Name)]
public sealed class CartCollection : ICollectionFixture<CartApp>
{
    public const string Name = "cart api";
}
