using Alba;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests;

public sealed class AccountsApp : AppFixture
{
    protected override string DatabaseName => "accounts";

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

    public static string UniqueEmail() => $"ada.{Guid.NewGuid():N}@example.com";

    public Task<long> EventCountAsync() => CountRowsAsync("accounts.mt_events");
    public Task<long> StreamCountAsync() => CountRowsAsync("accounts.mt_streams");
    public Task<long> OutboxCountAsync() => CountRowsAsync("wolverine.wolverine_outgoing_envelopes");

    /// <summary>Asserts that running <paramref name="request"/> wrote no event, stream or outgoing message.</summary>
    public async Task ShouldWriteNothing(Func<Task> request)
    {
        var before = (await EventCountAsync(), await StreamCountAsync(), await OutboxCountAsync());
        await request();
        (await EventCountAsync(), await StreamCountAsync(), await OutboxCountAsync()).ShouldBe(before);
    }
}

public sealed record AccountCreatedBody(Guid Id, string Url);

[CollectionDefinition(Name)]
public sealed class AccountsCollection : ICollectionFixture<AccountsApp>
{
    public const string Name = "accounts api";
}
