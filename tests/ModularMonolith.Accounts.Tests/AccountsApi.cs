using System.Text.Json;
using Alba;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests;

public sealed class AccountsApp : AppFixture
{
    protected override string DatabaseName => "accounts";

    /// <summary>Connection checkouts and statements of single requests (<see cref="DatabaseCalls"/>).</summary>
    public DatabaseCalls Database { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => Database.Observe<IAccountsStore>(services);

    /// <summary>Opens an account over HTTP with a unique email and returns its id.</summary>
    public async Task<Guid> OpenAccountAsync(string? email = null)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new OpenAccount("Ada Lovelace", email ?? UniqueEmail(), "+442079460958")).ToUrl("/api/accounts");
            s.StatusCodeShouldBe(201);
        });
        return (await result.ReadAsJsonAsync<AccountCreatedBody>())!.Id;
    }

    /// <summary>Posts a money movement as the account's owner and returns the response (status asserted by the caller).</summary>
    public Task<IScenarioResult> MoveMoneyAsync(Guid id, string kind, decimal amount, int expectedStatus = 200,
        string? ifMatch = null) =>
        Host.Scenario(s =>
        {
            s.Post.Json(new { amount }).ToUrl($"/api/accounts/{id}/{kind}");
            s.Bearer(CustomerToken(id));
            if (ifMatch is not null) s.WithRequestHeader("If-Match", ifMatch);
            s.StatusCodeShouldBe(expectedStatus);
        });

    public async Task<JsonElement> ReadAccountAsync(Guid id, string query = "")
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{id}{query}");
            s.Bearer(AdminToken());
        });
        return JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
    }

    /// <summary>Waits until the async daemon has projected every event appended so far (no sleeps).</summary>
    public Task WaitForAsyncProjectionsAsync() =>
        Host.Services.GetRequiredService<IAccountsStore>().WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));

    public static string UniqueEmail() => $"ada.{Guid.NewGuid():N}@example.com";

    // A rolled-back append makes Marten record a "tombstone" event (in its own stream) for the sequence numbers the
    // failed transaction consumed, so the async daemon does not wait on the gap. It is bookkeeping, not a domain
    // event, so "nothing written" counts everything else.
    public Task<long> EventCountAsync() => CountRowsAsync("accounts.mt_events where type <> 'tombstone'");
    public Task<long> StreamCountAsync() =>
        CountRowsAsync("accounts.mt_streams s where exists (select 1 from accounts.mt_events e where e.stream_id = s.id and e.type <> 'tombstone')");
    /// <summary>The last number the accounts' event sequence handed out.</summary>
    public Task<long> EventSequenceAsync() => CountRowsAsync("accounts.mt_events_sequence", "last_value");
    public Task<long> DocumentCountAsync() => CountRowsAsync("accounts.mt_doc_account");
    public Task<long> OutboxCountAsync() => CountRowsAsync("wolverine.wolverine_outgoing_envelopes");

    /// <summary>Asserts that running <paramref name="request"/> wrote no event, stream, document or outgoing message.</summary>
    public async Task ShouldWriteNothing(Func<Task> request)
    {
        var before = (await EventCountAsync(), await StreamCountAsync(), await DocumentCountAsync(), await OutboxCountAsync());
        await request();
        (await EventCountAsync(), await StreamCountAsync(), await DocumentCountAsync(), await OutboxCountAsync()).ShouldBe(before);
    }
}

public sealed record AccountCreatedBody(Guid Id, string Url);

[CollectionDefinition(Name)]
public sealed class AccountsCollection : ICollectionFixture<AccountsApp>
{
    public const string Name = "accounts api";
}
