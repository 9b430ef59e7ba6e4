using Marten;
using Microsoft.Extensions.DependencyInjection;
using ModularMonolith.Accounts.Contracts;
using ModularMonolith.Accounts.PayingForOrders;
using Shouldly;
using Wolverine;
using Wolverine.Tracking;
using Xunit;

namespace ModularMonolith.Accounts.Tests.PayingForOrders;

/// <summary>Other modules ask through Accounts.Contracts messages on durable local queues; tracked sessions wait.</summary>
[Collection(AccountsCollection.Name)]
public sealed class PayingForOrdersOverMessages(AccountsApp app)
{
    private async Task<T> Send<T>(object request)
    {
        var tracked = await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30)).SendMessageAndWaitAsync(request);
        return tracked.FindSingleTrackedMessageOfType<T>();
    }

    [Fact]
    public async Task The_same_debit_delivered_three_times_debits_once_and_answers_each_time()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 100m);
        var debit = new DebitAccountForOrder(id, Guid.NewGuid(), 40m);

        for (var delivery = 0; delivery < 3; delivery++)
            (await Send<AccountDebitedForOrder>(debit)).ShouldBe(new AccountDebitedForOrder(id, debit.OrderId, 40m));

        var account = await app.ReadAccountAsync(id);
        account.GetProperty("balance").GetDecimal().ShouldBe(60m);
        account.GetProperty("version").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task What_the_account_did_about_each_order_is_a_row_of_its_own_not_part_of_the_account_document()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 100m);
        var paid = new DebitAccountForOrder(id, Guid.NewGuid(), 40m);
        await Send<AccountDebitedForOrder>(paid);
        await Send<AccountRefundedForOrder>(new RefundAccountForOrder(id, paid.OrderId, 40m));
        await Send<AccountDebitForOrderDeclined>(new DebitAccountForOrder(id, Guid.NewGuid(), 500m));

        (await app.CountRowsAsync($"accounts.mt_doc_orderpayment where data->>'accountId' = '{id}'")).ShouldBe(2);
        (await app.CountRowsAsync($"accounts.mt_doc_account where id = '{id}' and data::text like '%Orders%'")).ShouldBe(0);
        // The same answers again, from those rows.
        (await Send<AccountDebitedForOrder>(paid)).Amount.ShouldBe(40m);
        (await app.ReadAccountAsync(id)).GetProperty("version").GetInt64().ShouldBe(5, "opened, deposited, debited, refunded, declined");
    }

    [Fact]
    public async Task An_order_paid_before_its_row_existed_is_remembered_once_the_projection_is_rebuilt()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 100m);
        var debit = new DebitAccountForOrder(id, Guid.NewGuid(), 40m);
        await Send<AccountDebitedForOrder>(debit);

        // An account from before the rows: its payment events are there, its rows are not.
        var store = app.Host.Services.GetRequiredService<IAccountsStore>();
        await using (var session = store.LightweightSession())
        {
            session.DeleteWhere<OrderPayment>(p => p.AccountId == id);
            await session.SaveChangesAsync();
        }
        using (var daemon = await store.BuildProjectionDaemonAsync())
            await daemon.RebuildProjectionAsync("OrderPayment", TimeSpan.FromMinutes(1), CancellationToken.None);

        (await Send<AccountDebitedForOrder>(debit)).ShouldBe(new AccountDebitedForOrder(id, debit.OrderId, 40m));
        var account = await app.ReadAccountAsync(id);
        account.GetProperty("balance").GetDecimal().ShouldBe(60m);
        account.GetProperty("version").GetInt64().ShouldBe(3, "opened, deposited, debited once");
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_debit_still_debit_once()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 100m);
        var debit = new DebitAccountForOrder(id, Guid.NewGuid(), 40m);

        // One tracked session, three deliveries queued at once: one account's payments run one after another
        // (ADR 0022), so the second and third find the order already debited (and a race that still happens, e.g.
        // on another node, is retried and finds the same).
        var tracked = await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(30))
            .ExecuteAndWaitAsync((Func<IMessageContext, Task>)(bus =>
                Task.WhenAll(bus.SendAsync(debit).AsTask(), bus.SendAsync(debit).AsTask(), bus.SendAsync(debit).AsTask())));

        // Three deliveries, plus a retry for any that lost a race on the account's version.
        tracked.Executed.MessagesOf<DebitAccountForOrder>().Count().ShouldBeGreaterThanOrEqualTo(3);
        var account = await app.ReadAccountAsync(id);
        account.GetProperty("balance").GetDecimal().ShouldBe(60m);
        account.GetProperty("version").GetInt64().ShouldBe(3, "opened, deposited, debited once");
    }

    /// <summary>
    /// Payments of one account are handled one after another (OneAccountAtATime): twenty orders arriving at once are
    /// each tried once. Handled in parallel, as before, they raced on the account's version and the losers retried.
    /// </summary>
    [Fact]
    public async Task Twenty_orders_of_one_account_arriving_at_once_are_each_paid_at_the_first_attempt()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 1000m);
        var debits = Enumerable.Range(0, 20).Select(_ => new DebitAccountForOrder(id, Guid.NewGuid(), 10m)).ToList();

        var tracked = await app.Host.TrackActivity().Timeout(TimeSpan.FromSeconds(60))
            .ExecuteAndWaitAsync((Func<IMessageContext, Task>)(bus =>
                Task.WhenAll(debits.Select(debit => bus.SendAsync(debit).AsTask()))));

        tracked.Executed.MessagesOf<DebitAccountForOrder>().Count().ShouldBe(20, "one attempt per order, no lost race");
        tracked.Sent.MessagesOf<AccountDebitedForOrder>().Select(paid => paid.OrderId)
            .ShouldBe(debits.Select(debit => debit.OrderId), ignoreOrder: true);
        var account = await app.ReadAccountAsync(id);
        account.GetProperty("balance").GetDecimal().ShouldBe(800m);
        account.GetProperty("version").GetInt64().ShouldBe(22);
    }

    [Fact]
    public async Task A_debit_the_balance_cannot_cover_is_declined_with_the_reason_and_changes_no_balance()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 10m);

        var declined = await Send<AccountDebitForOrderDeclined>(new DebitAccountForOrder(id, Guid.NewGuid(), 30m));

        declined.Reason.ShouldBe(PaymentDeclineReason.InsufficientFunds);
        declined.Detail.ShouldBe("insufficient funds: balance 10.00, requested 30.00.");
        (await app.ReadAccountAsync(id)).GetProperty("balance").GetDecimal().ShouldBe(10m);
    }

    [Fact]
    public async Task A_debit_for_an_unknown_account_is_declined() =>
        (await Send<AccountDebitForOrderDeclined>(new DebitAccountForOrder(Guid.NewGuid(), Guid.NewGuid(), 5m)))
            .Reason.ShouldBe(PaymentDeclineReason.UnknownAccount);

    [Fact]
    public async Task A_refund_credits_a_paid_order_once()
    {
        var id = await app.OpenAccountAsync();
        await app.MoveMoneyAsync(id, "deposits", 100m);
        var orderId = Guid.NewGuid();
        await Send<AccountDebitedForOrder>(new DebitAccountForOrder(id, orderId, 40m));

        var refund = new RefundAccountForOrder(id, orderId, 40m);
        (await Send<AccountRefundedForOrder>(refund)).Amount.ShouldBe(40m);
        (await Send<AccountRefundedForOrder>(refund)).Amount.ShouldBe(40m);

        (await app.ReadAccountAsync(id)).GetProperty("balance").GetDecimal().ShouldBe(100m);
    }

    [Fact]
    public async Task A_refund_for_an_order_never_paid_is_declined() =>
        (await Send<AccountRefundForOrderDeclined>(new RefundAccountForOrder(await app.OpenAccountAsync(), Guid.NewGuid(), 5m)))
            .Reason.ShouldBe(PaymentDeclineReason.NotDebited);
}
