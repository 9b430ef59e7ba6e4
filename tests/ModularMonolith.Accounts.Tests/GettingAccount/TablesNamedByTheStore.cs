using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests.GettingAccount;

/// <summary>
/// The account's one-statement read (snapshot joined to its key) names the tables Marten derives from the document
/// types: renaming <see cref="Account"/> or <see cref="PersonalDataKey"/> (here: giving them other aliases, which is
/// what a rename does to their tables) must not break it at run time.
/// </summary>
public sealed class TablesNamedByTheStore
{
    [Fact]
    public async Task An_account_reads_the_same_when_its_documents_tables_are_named_otherwise()
    {
        await using var database = await TestDatabase.CreateAsync("accounts_renamed_tables");
        await using var host = await AppFixture.StartOwnHostAsync(database, services => services.ConfigureMarten<IAccountsStore>(store =>
        {
            store.Schema.For<Account>().DocumentAlias("customer_account");
            store.Schema.For<PersonalDataKey>().DocumentAlias("customer_key");
        }));

        var opened = await host.Scenario(s =>
        {
            s.Post.Json(new OpenAccount("Ada Lovelace", $"ada.{Guid.NewGuid():N}@example.com", "+442079460958"))
                .ToUrl("/api/accounts");
            s.StatusCodeShouldBe(201);
        });
        var id = (await opened.ReadAsJsonAsync<AccountCreatedBody>())!.Id;

        var read = await host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{id}");
            s.Bearer(Host.Auth.AccessTokens.ForCustomer(new Host.Auth.AuthOptions { SigningKey = AppFixture.SigningKey },
                id, DateTimeOffset.UtcNow));
            s.StatusCodeShouldBeOk();
        });
        var account = await read.ReadAsJsonAsync<System.Text.Json.JsonElement>();
        account.GetProperty("name").GetString().ShouldBe("Ada Lovelace");
        account.GetProperty("version").GetInt64().ShouldBe(1);
    }
}
