using System.Text.Json;
using Alba;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Accounts;
using ModularMonolith.Cart;
using ModularMonolith.Testing;
using Wolverine;
using Wolverine.Tracking;
using Xunit;

namespace ModularMonolith.Orders.Tests;

/// <summary>Drives the three modules over HTTP, like a client would, to set up and run the checkout-to-delivery story.</summary>
public sealed class OrdersApp : AppFixture
{
    protected override string DatabaseName => "orders";

    /// <summary>Every span and metric the host emits during this assembly's tests (OpenTelemetry's in-memory exporter).</summary>
    public Telemetry Telemetry { get; } = new();

    protected override void ConfigureServices(IServiceCollection services)
    {
        Telemetry.AddTo(services);
        PackingSlips.AddTo(services);
    }

    public Task<JsonElement> Call(string token, string method, string url, object? body = null, int status = 200,
        Action<Scenario>? configure = null) =>
        Host.SendJsonAsync(method, url, token, body, status, configure);

    public async Task<Guid> FundedAccountAsync(decimal deposit)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new { name = "Ada", email = $"ada.{Guid.NewGuid():N}@example.com", phone = "+442079460958" }).ToUrl("/api/accounts");
            s.StatusCodeShouldBe(201);
        });
        var id = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("id").GetGuid();
        if (deposit > 0) await Call(CustomerToken(id), "POST", $"/api/accounts/{id}/deposits", new { amount = deposit });
        return id;
    }

    /// <summary>The seeds' catalog under skus unique to the caller: banana 1.00, apple 1.50, mango 2.00, 2 bananas → −0.10.</summary>
    public async Task<(string Banana, string Apple, string Mango, string TwoBananas)> CatalogAsync()
    {
        var s = Guid.NewGuid().ToString("N")[..8];
        var catalog = ($"banana-{s}", $"apple-{s}", $"mango-{s}", $"BANANAS-{s.ToUpperInvariant()}");
        await Call(AdminToken(), "PUT", $"/api/catalog/products/{catalog.Item1}", new { name = "Banana", unitPrice = 1.00m });
        await Call(AdminToken(), "PUT", $"/api/catalog/products/{catalog.Item2}", new { name = "Apple", unitPrice = 1.50m });
        await Call(AdminToken(), "PUT", $"/api/catalog/products/{catalog.Item3}", new { name = "Mango", unitPrice = 2.00m });
        await Call(AdminToken(), "PUT", $"/api/catalog/discounts/{catalog.Item4}", new { sku = catalog.Item1, requiredQuantity = 2, amountOff = 0.10m });
        return catalog;
    }

    /// <summary>A cart holding the seeds' final items (2 bananas, 1 mango, 2-bananas discount): total 3.90.</summary>
    public async Task<Guid> SeedsCartAsync(Guid customer)
    {
        var (banana, _, mango, twoBananas) = await CatalogAsync();
        var token = CustomerToken(customer);
        var cart = (await Call(token, "POST", "/api/carts", status: 201)).GetProperty("id").GetGuid();
        await Call(token, "POST", $"/api/carts/{cart}/items", new { sku = banana, quantity = 2 });
        await Call(token, "POST", $"/api/carts/{cart}/discount", new { code = twoBananas });
        await Call(token, "POST", $"/api/carts/{cart}/items", new { sku = mango, quantity = 1 });
        return cart;
    }

    /// <summary>Runs <paramref name="action"/> and waits for every message it cascades, across all modules, to be handled.</summary>
    public Task<ITrackedSession> Tracked(Func<Task> action) =>
        Host.TrackActivity().Timeout(TimeSpan.FromSeconds(60)).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(_ => action()));

    public Task<ITrackedSession> CheckOutAsync(Guid customer, Guid cart) =>
        Tracked(() => Call(CustomerToken(customer), "POST", $"/api/carts/{cart}/checkout"));

    public async Task WaitForAsyncProjectionsAsync()
    {
        var timeout = TimeSpan.FromSeconds(60);
        await Host.Services.GetRequiredService<IOrdersStore>().WaitForNonStaleProjectionDataAsync(timeout);
        await Host.Services.GetRequiredService<IAccountsStore>().WaitForNonStaleProjectionDataAsync(timeout);
        await Host.Services.GetRequiredService<ICartStore>().WaitForNonStaleProjectionDataAsync(timeout);
    }

    public async Task<decimal> BalanceAsync(Guid account) =>
        (await Call(AdminToken(), "GET", $"/api/accounts/{account}")).GetProperty("balance").GetDecimal();

    public async Task<string> StatusAsync(Guid order) =>
        (await Call(AdminToken(), "GET", $"/api/orders/{order}")).GetProperty("status").GetString()!;
}

[CollectionDefinition(Name)]
public sealed class OrdersCollection : ICollectionFixture<OrdersApp>
{
    public const string Name = "orders api";
}
