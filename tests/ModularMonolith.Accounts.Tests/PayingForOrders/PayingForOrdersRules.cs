using ModularMonolith.Accounts.ClosingAccount;
using ModularMonolith.Accounts.Contracts;
using ModularMonolith.Accounts.PayingForOrders;
using Shouldly;
using Xunit;
using static ModularMonolith.Accounts.Tests.Given;

namespace ModularMonolith.Accounts.Tests.PayingForOrders;

public sealed class PayingForOrdersRules
{
    private static readonly Guid OrderId = Guid.Parse("0199a1b2-0000-7000-8000-0000000000aa");

    /// <summary>The decision on an account with this history, and what it did about the order so far (its own row).</summary>
    private static (object[] Events, object Reply) Debit(object[] history, decimal amount) =>
        OrderPayments.Debit(Account(history), OrderPayment.Of(AccountId, OrderId, history),
            new DebitAccountForOrder(AccountId, OrderId, amount), Now);

    private static (object[] Events, object Reply) Refund(object[] history, decimal amount) =>
        OrderPayments.Refund(Account(history), OrderPayment.Of(AccountId, OrderId, history),
            new RefundAccountForOrder(AccountId, OrderId, amount), Now);

    [Fact]
    public void A_covered_order_is_debited_and_answered()
    {
        var (events, reply) = Debit([Deposited(50m)], 30m);

        events.ShouldBe([new OrderPaymentDebited(AccountId, OrderId, 30m, Now)]);
        reply.ShouldBe(new AccountDebitedForOrder(AccountId, OrderId, 30m));
        Account([Deposited(50m), .. events]).Balance.ShouldBe(20m);
    }

    [Fact]
    public void The_same_order_debited_again_changes_nothing_and_gets_the_same_answer()
    {
        var (events, reply) = Debit([Deposited(50m), new OrderPaymentDebited(AccountId, OrderId, 30m, Now)], 30m);

        events.ShouldBeEmpty();
        reply.ShouldBe(new AccountDebitedForOrder(AccountId, OrderId, 30m));
    }

    [Fact]
    public void An_order_the_balance_cannot_cover_is_declined_and_the_balance_untouched()
    {
        var (events, reply) = Debit([Deposited(10m)], 30m);

        var declined = events.ShouldHaveSingleItem().ShouldBeOfType<OrderPaymentDeclined>();
        declined.Reason.ShouldBe(PaymentDeclineReason.InsufficientFunds);
        reply.ShouldBeOfType<AccountDebitForOrderDeclined>().Detail.ShouldBe("insufficient funds: balance 10.00, requested 30.00.");
        Account([Deposited(10m), .. events]).Balance.ShouldBe(10m);
    }

    [Fact]
    public void A_declined_order_stays_declined_even_after_a_deposit()
    {
        var (events, reply) = Debit([Deposited(10m),
            new OrderPaymentDeclined(AccountId, OrderId, 30m, PaymentDeclineReason.InsufficientFunds, "insufficient funds", Now),
            Deposited(100m)], 30m);

        events.ShouldBeEmpty();
        reply.ShouldBeOfType<AccountDebitForOrderDeclined>().Reason.ShouldBe(PaymentDeclineReason.InsufficientFunds);
    }

    [Fact]
    public void A_closed_account_declines_debits() =>
        Debit([new AccountClosed(AccountId, Now)], 1m)
            .Reply.ShouldBeOfType<AccountDebitForOrderDeclined>().Reason.ShouldBe(PaymentDeclineReason.AccountClosed);

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("0.005")]
    public void An_invalid_amount_is_declined(string amount) =>
        Debit([Deposited(100m)], decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture))
            .Reply.ShouldBeOfType<AccountDebitForOrderDeclined>().Reason.ShouldBe(PaymentDeclineReason.InvalidAmount);

    [Fact]
    public void A_paid_order_is_refunded_once()
    {
        object[] paid = [Deposited(50m), new OrderPaymentDebited(AccountId, OrderId, 30m, Now)];

        var (events, reply) = Refund(paid, 30m);
        events.ShouldBe([new OrderPaymentRefunded(AccountId, OrderId, 30m, Now)]);
        reply.ShouldBe(new AccountRefundedForOrder(AccountId, OrderId, 30m));

        object[] refunded = [.. paid, .. events];
        Account(refunded).Balance.ShouldBe(50m);
        var again = Refund(refunded, 30m);
        again.Events.ShouldBeEmpty();
        again.Reply.ShouldBe(new AccountRefundedForOrder(AccountId, OrderId, 30m));
    }

    [Fact]
    public void An_order_never_paid_is_not_refunded() =>
        Refund([Deposited(50m)], 30m)
            .Reply.ShouldBeOfType<AccountRefundForOrderDeclined>().Reason.ShouldBe(PaymentDeclineReason.NotDebited);

    [Fact]
    public void A_refund_cannot_exceed_what_was_paid() =>
        Refund([Deposited(50m), new OrderPaymentDebited(AccountId, OrderId, 30m, Now)], 31m)
            .Reply.ShouldBeOfType<AccountRefundForOrderDeclined>().Reason.ShouldBe(PaymentDeclineReason.RefundExceedsDebit);

    [Fact]
    public void An_order_paid_from_another_account_is_not_this_accounts_memory()
    {
        var elsewhere = new OrderPaymentDebited(Guid.NewGuid(), OrderId, 30m, Now);

        var (events, _) = Debit([Deposited(100m), elsewhere], 30m);

        events.ShouldBe([new OrderPaymentDebited(AccountId, OrderId, 30m, Now)]);
    }
}
