using System.Diagnostics.Metrics;
using System.Text.Json;
using Alba;
using ModularMonolith.BuildingBlocks.EventSourcing;
using ModularMonolith.BuildingBlocks.Observability;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests.Withdrawing;

/// <summary>Concurrent writes on one account: lost races are the server's to retry unless the client sent If-Match (ADR 0010).</summary>
[Collection(AccountsCollection.Name)]
public sealed class LosingRacesOverHttp(AccountsApp app)
{
    private Task<IScenarioResult> Withdraw(Guid id, decimal amount, Action<Scenario>? configure = null) =>
        app.Host.Scenario(s =>
        {
            s.Post.Json(new { amount }).ToUrl($"/api/accounts/{id}/withdrawals");
            s.Bearer(app.CustomerToken(id));
            configure?.Invoke(s);
            s.IgnoreStatusCode();
        });

    [Fact]
    public async Task Twenty_concurrent_withdrawals_the_balance_allows_all_succeed_and_the_retries_are_counted()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 400m);
        using var retries = RetriesOfAccounts();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Withdraw(id, 15m)));

        results.Select(r => r.Context.Response.StatusCode).ShouldAllBe(status => status == 200);
        var account = await app.ReadAccountAsync(id);
        account.GetProperty("balance").GetDecimal().ShouldBe(100m);
        account.GetProperty("version").GetInt64().ShouldBe(22);
        // Twenty writers on one stream at once: some lose at commit, and each retry is counted.
        retries.Count.ShouldBeGreaterThan(0);
    }

    /// <summary>
    /// The losers of a race wait for the stream's row lock and are refused on the version before they take an event
    /// sequence number. When a loser took one first (Marten's default quick append), it left a hole in the sequence,
    /// which the async daemon waits on before it projects past it, and its order of locks against a retry's (which reads
    /// under the row lock) let PostgreSQL deadlock them (40P01).
    /// </summary>
    [Fact]
    public async Task The_losers_of_a_race_leave_no_hole_in_the_event_sequence()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 400m);
        var before = await app.EventSequenceAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Withdraw(id, 15m)));

        results.Select(r => r.Context.Response.StatusCode).ShouldAllBe(status => status == 200);
        var after = await app.EventSequenceAsync();
        var written = await app.CountRowsAsync($"accounts.mt_events where seq_id > {before}");
        (after - before).ShouldBe(written, "sequence numbers taken vs events written");
        written.ShouldBe(20);
    }

    [Fact]
    public async Task With_If_Match_the_losers_of_a_race_still_get_412()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 400m);

        var results = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(_ => Withdraw(id, 15m, s => s.WithRequestHeader("If-Match", "\"2\""))));

        var statuses = results.Select(r => r.Context.Response.StatusCode).ToList();
        statuses.Count(status => status == 200).ShouldBe(1);
        statuses.Count(status => status == 412).ShouldBe(9);
        (await app.ReadAccountAsync(id)).GetProperty("balance").GetDecimal().ShouldBe(385m);
    }

    [Fact]
    public async Task Concurrent_repeats_of_one_Idempotency_Key_amid_other_writes_are_answered_alike_and_withdrawn_once()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 1000m);
        var key = Guid.NewGuid().ToString();

        var keyed = Enumerable.Range(0, 5)
            .Select(_ => Withdraw(id, 10m, s => s.WithRequestHeader("Idempotency-Key", key))).ToList();
        var others = Enumerable.Range(0, 10).Select(_ => Withdraw(id, 10m)).ToList();
        var results = await Task.WhenAll(keyed.Concat(others));

        results.Select(r => r.Context.Response.StatusCode).ShouldAllBe(status => status == 200);
        var answers = await Task.WhenAll(keyed.Select(async k => await (await k).ReadAsTextAsync()));
        answers.Distinct().Count().ShouldBe(1);

        var replay = await Withdraw(id, 10m, s => s.WithRequestHeader("Idempotency-Key", key));
        replay.Context.Response.StatusCode.ShouldBe(200);
        (await replay.ReadAsTextAsync()).ShouldBe(answers[0]);

        var account = await app.ReadAccountAsync(id);
        account.GetProperty("balance").GetDecimal().ShouldBe(1000m - 10m * 11);
        account.GetProperty("version").GetInt64().ShouldBe(2 + 11);
    }

    private static RetryCount RetriesOfAccounts() => new();

    /// <summary>Retries of account writes recorded while it listens.</summary>
    private sealed class RetryCount : IDisposable
    {
        private readonly MeterListener listener = new();
        private long count;

        public RetryCount()
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == EventAppends.MeterName && instrument.Name == LostRaceRetries.CounterName)
                    l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                    if (tag is { Key: "aggregate", Value: "account" }) Interlocked.Add(ref count, value);
            });
            listener.Start();
        }

        public long Count => Interlocked.Read(ref count);
        public void Dispose() => listener.Dispose();
    }
}
