using System.Text.Json;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.Testing;
using Npgsql;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests.ErasingPersonalData;

/// <summary>
/// POST /api/accounts/{id}/erasure end to end: a customer whose name, email, phone and references carry a unique
/// marker, erased, then every view and every table looked at for the marker.
/// </summary>
[Collection(AccountsCollection.Name)]
public sealed class ErasingPersonalDataOverHttp(AccountsApp app)
{
    private const string Erased = PersonalDataKey.ErasedText;

    private sealed record Customer(Guid Id, string Marker, string Email, string Token);

    private async Task<Customer> SignUpAsync()
    {
        var marker = $"zq{Guid.NewGuid():N}"[..14];
        var email = $"{marker}@example.com";
        var created = await app.Host.SendJsonAsync("POST", "/api/accounts", null,
            new OpenAccount($"Ada {marker}", email, "+4420" + Random.Shared.Next(1_000_000, 9_999_999)), 201);
        var id = created.GetProperty("id").GetGuid();
        return new Customer(id, marker, email, app.CustomerToken(id));
    }

    private Task<JsonElement> EraseAsync(Customer customer, string? token = null, int status = 200) =>
        app.Host.SendJsonAsync("POST", $"/api/accounts/{customer.Id}/erasure", token ?? customer.Token, status: status);

    /// <summary>Rows anywhere in the accounts and wolverine schemas whose text holds <paramref name="marker"/>.</summary>
    private async Task<List<string>> TablesHoldingAsync(string marker)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
                         "select table_schema || '.' || table_name from information_schema.tables " +
                         "where table_schema in ('accounts', 'wolverine') and table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));

        var holding = new List<string>();
        foreach (var table in tables)
        {
            // A row as text shows bytea columns (Wolverine's bodies) in hex: the marker is looked for both ways.
            await using var count = new NpgsqlCommand(
                $"select count(*) from {table} t where position(@m in t::text) > 0 " +
                "or position(encode(convert_to(@m, 'UTF8'), 'hex') in t::text) > 0", connection);
            count.Parameters.AddWithValue("m", marker);
            if ((long)(await count.ExecuteScalarAsync())! > 0) holding.Add(table);
        }
        return holding;
    }

    [Fact]
    public async Task Before_an_erasure_the_views_open_the_data_and_the_tables_hold_it_sealed()
    {
        var customer = await SignUpAsync();
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{customer.Id}/deposits", customer.Token,
            new { amount = 30m, reference = $"rent {customer.Marker}" });

        var account = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{customer.Id}", customer.Token);
        account.GetProperty("name").GetString().ShouldBe($"Ada {customer.Marker}");
        account.GetProperty("email").GetString().ShouldBe(customer.Email);
        var trail = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{customer.Id}/events", customer.Token);
        trail.GetRawText().ShouldContain($"rent {customer.Marker}");
        await app.WaitForAsyncProjectionsAsync();
        var statement = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{customer.Id}/statement", customer.Token);
        statement.GetProperty("lines")[0].GetProperty("reference").GetString().ShouldBe($"rent {customer.Marker}");

        (await TablesHoldingAsync(customer.Marker)).Where(t => t.StartsWith("accounts.")).ShouldBeEmpty();
    }

    [Fact]
    public async Task After_an_erasure_every_view_shows_it_erased_and_the_money_stays()
    {
        var customer = await SignUpAsync();
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{customer.Id}/deposits", customer.Token,
            new { amount = 50m, reference = $"salary {customer.Marker}" },
            configure: s => s.WithRequestHeader("Idempotency-Key", $"pay-{customer.Marker}"));
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{customer.Id}/withdrawals", customer.Token, new { amount = 12.5m });
        var beforeErasure = (await app.Host.GetAsJson<JsonElement>($"/api/accounts/{customer.Id}/events", customer.Token))
            .GetProperty("events")[1].GetProperty("timestamp").GetDateTimeOffset();
        (await TablesHoldingAsync(customer.Marker)).ShouldBe(["wolverine.wolverine_deduplicated_responses"],
            "the recorded Idempotency-Key answer shows the account in clear until the erasure");

        var erased = await EraseAsync(customer);

        erased.GetProperty("name").GetString().ShouldBe(Erased);
        erased.GetProperty("email").GetString().ShouldBe(Erased);
        erased.GetProperty("phone").GetString().ShouldBe(Erased);
        erased.GetProperty("balance").GetDecimal().ShouldBe(37.5m);
        erased.GetProperty("personalDataErasedAt").ValueKind.ShouldBe(JsonValueKind.String);
        erased.GetProperty("version").GetInt64().ShouldBe(4);

        await app.WaitForAsyncProjectionsAsync();
        foreach (var url in new[]
                 {
                     $"/api/accounts/{customer.Id}", $"/api/accounts/{customer.Id}?version=1",
                     $"/api/accounts/{customer.Id}?version=3", $"/api/accounts/{customer.Id}?asOf={Uri.EscapeDataString(beforeErasure.ToString("O"))}",
                     $"/api/accounts/{customer.Id}/events", $"/api/accounts/{customer.Id}/statement"
                 })
        {
            var text = (await app.Host.GetAsJson<JsonElement>(url, customer.Token)).GetRawText();
            text.Contains(customer.Marker).ShouldBeFalse(url);
            text.Contains(Erased).ShouldBeTrue(url);
        }

        var statement = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{customer.Id}/statement", customer.Token);
        statement.GetProperty("balance").GetDecimal().ShouldBe(37.5m);
        statement.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("amount").GetDecimal()).Sum().ShouldBe(37.5m);
        (await app.ReadAccountAsync(customer.Id, "?version=2")).GetProperty("balance").GetDecimal().ShouldBe(50m);

        (await TablesHoldingAsync(customer.Marker)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Erasing_twice_answers_the_same_and_records_one_event()
    {
        var customer = await SignUpAsync();

        var first = await EraseAsync(customer);
        var second = await EraseAsync(customer, app.AdminToken());

        second.GetRawText().ShouldBe(first.GetRawText());
        var trail = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{customer.Id}/events", customer.Token);
        trail.GetProperty("events").EnumerateArray().Count(e => e.GetProperty("type").GetString() == "personal_data_erased").ShouldBe(1);
    }

    [Fact]
    public async Task The_email_of_an_erased_account_is_free_for_a_new_sign_up()
    {
        var customer = await SignUpAsync();
        var again = new OpenAccount("Someone", customer.Email.ToUpperInvariant(), "+442079460958");
        await app.Host.SendJsonAsync("POST", "/api/accounts", null, again, 409);

        await EraseAsync(customer);

        await app.Host.SendJsonAsync("POST", "/api/accounts", null, again, 201);
        await app.Host.SendJsonAsync("POST", "/api/accounts", null, again, 409);
    }

    [Fact]
    public async Task Only_the_customer_or_an_admin_may_erase_and_an_unknown_account_is_a_404()
    {
        var customer = await SignUpAsync();
        var stranger = await SignUpAsync();

        await app.ShouldWriteNothing(() => EraseAsync(customer, stranger.Token, 403));
        await EraseAsync(customer, null, 200);
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{Guid.CreateVersion7()}/erasure", app.AdminToken(), status: 404);
        (await app.ReadAccountAsync(stranger.Id)).GetProperty("name").GetString().ShouldStartWith("Ada ");
    }

    [Fact]
    public async Task An_erased_account_keeps_its_money_but_takes_no_new_personal_data()
    {
        var customer = await SignUpAsync();
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{customer.Id}/deposits", customer.Token, new { amount = 10m });
        await EraseAsync(customer);

        await app.Host.SendJsonAsync("POST", $"/api/accounts/{customer.Id}/deposits", customer.Token, new { amount = 5m });
        var refused = await app.Host.SendJsonAsync("POST", $"/api/accounts/{customer.Id}/deposits", customer.Token,
            new { amount = 5m, reference = "gift" }, 409);
        refused.GetProperty("detail").GetString()!.ShouldContain("erased");
        await app.Host.SendJsonAsync("PUT", $"/api/accounts/{customer.Id}/contact", customer.Token,
            new { email = $"new.{customer.Email}", phone = "+442079460958" }, 409);
        (await app.ReadAccountAsync(customer.Id)).GetProperty("balance").GetDecimal().ShouldBe(15m);
    }

    [Fact]
    public async Task Rebuilding_every_projection_after_an_erasure_keeps_it_erased()
    {
        var customer = await SignUpAsync();
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{customer.Id}/deposits", customer.Token,
            new { amount = 20m, reference = $"ref {customer.Marker}" });
        await EraseAsync(customer);

        var store = app.Host.Services.GetRequiredService<IAccountsStore>();
        using (var daemon = await store.BuildProjectionDaemonAsync())
            foreach (var projection in new[] { "Account", "AccountStatement", "OrderPayment" })
                await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(1), CancellationToken.None);

        var account = await app.ReadAccountAsync(customer.Id);
        account.GetProperty("name").GetString().ShouldBe(Erased);
        account.GetProperty("balance").GetDecimal().ShouldBe(20m);
        var statement = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{customer.Id}/statement", customer.Token);
        statement.GetProperty("lines")[0].GetProperty("reference").GetString().ShouldBe(Erased);
        (await TablesHoldingAsync(customer.Marker)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Events_written_in_clear_before_sealing_still_read_and_are_overwritten_by_an_erasure()
    {
        var customer = await SignUpAsync();
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{customer.Id}/deposits", customer.Token,
            new { amount = 20m, reference = $"old {customer.Marker}" });
        await MakeOldShapedAsync(customer);

        (await app.ReadAccountAsync(customer.Id)).GetProperty("name").GetString().ShouldBe($"Old {customer.Marker}");
        (await app.ReadAccountAsync(customer.Id, "?version=1")).GetProperty("email").GetString().ShouldBe(customer.Email);

        await EraseAsync(customer);

        (await app.ReadAccountAsync(customer.Id, "?version=1")).GetProperty("name").GetString().ShouldBe(Erased);
        var trail = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{customer.Id}/events", customer.Token);
        trail.GetRawText().ShouldNotContain(customer.Marker);
        await app.WaitForAsyncProjectionsAsync();
        (await TablesHoldingAsync(customer.Marker)).ShouldBeEmpty();
    }

    /// <summary>
    /// The customer's events as a release before #15 wrote them: the same members, in clear; no key, no email claim;
    /// the snapshot rebuilt from those events (it then holds the clear text too, as it did).
    /// </summary>
    private async Task MakeOldShapedAsync(Customer customer)
    {
        await using (var connection = new NpgsqlConnection(app.ConnectionString))
        {
            await connection.OpenAsync();
            await using var rewrite = new NpgsqlCommand(
                "update accounts.mt_events set data = data || jsonb_build_object('name', @name::text, 'email', @email::text, 'phone', '+442079460958') where stream_id = @id and type = 'account_opened';" +
                "update accounts.mt_events set data = data || jsonb_build_object('reference', @reference::text) where stream_id = @id and type = 'funds_deposited';" +
                "delete from accounts.mt_doc_personaldatakey where id = @id; " +
                "delete from accounts.mt_doc_emailclaim where (data->>'accountId')::uuid = @id;",
                connection);
            rewrite.Parameters.AddWithValue("name", $"Old {customer.Marker}");
            rewrite.Parameters.AddWithValue("email", customer.Email);
            rewrite.Parameters.AddWithValue("reference", $"old {customer.Marker}");
            rewrite.Parameters.AddWithValue("id", customer.Id);
            await rewrite.ExecuteNonQueryAsync();
        }
        await RebuildAsync("Account", "AccountStatement");
    }

    private async Task RebuildAsync(params string[] projections)
    {
        var store = app.Host.Services.GetRequiredService<IAccountsStore>();
        using var daemon = await store.BuildProjectionDaemonAsync();
        foreach (var projection in projections)
            await daemon.RebuildProjectionAsync(projection, TimeSpan.FromMinutes(1), CancellationToken.None);
    }

    [Fact]
    public async Task The_seal_personal_data_migration_seals_old_clear_text_and_claims_the_email()
    {
        var customer = await SignUpAsync();
        await app.Host.SendJsonAsync("POST", $"/api/accounts/{customer.Id}/deposits", customer.Token,
            new { amount = 20m, reference = $"old {customer.Marker}" });
        await MakeOldShapedAsync(customer);
        (await TablesHoldingAsync(customer.Marker)).ShouldContain("accounts.mt_events");
        var store = app.Host.Services.GetRequiredService<IAccountsStore>();
        var emails = app.Host.Services.GetRequiredService<EmailLookup>();
        await using (var session = store.QuerySession())
            (await LegacyPersonalData.AccountsInClearAsync(session, CancellationToken.None)).ShouldContain(customer.Id);
        await LegacyPersonalData.SealAsync(store, emails, customer.Id, CancellationToken.None);
        await LegacyPersonalData.SealAsync(store, emails, customer.Id, CancellationToken.None);
        await RebuildAsync("Account", "AccountStatement");

        await using (var session = store.QuerySession())
            (await LegacyPersonalData.AccountsInClearAsync(session, CancellationToken.None)).ShouldNotContain(customer.Id);
        (await TablesHoldingAsync(customer.Marker)).Where(t => t.StartsWith("accounts.")).ShouldBeEmpty();
        (await app.ReadAccountAsync(customer.Id)).GetProperty("name").GetString().ShouldBe($"Old {customer.Marker}");
        var statement = await app.Host.GetAsJson<JsonElement>($"/api/accounts/{customer.Id}/statement", customer.Token);
        statement.GetProperty("lines")[0].GetProperty("reference").GetString().ShouldBe($"old {customer.Marker}");
        await app.Host.SendJsonAsync("POST", "/api/accounts", null, new OpenAccount("Twin", customer.Email, "+442079460958"), 409);
    }
}
