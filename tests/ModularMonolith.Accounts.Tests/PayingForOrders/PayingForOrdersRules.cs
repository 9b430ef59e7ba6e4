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

    [Fact]
    public void A_covered_order_is_debited_and_answered()
    {
        var (events, reply) = OrderPayments.Debit(Account(Deposited(50m)), new DebitAccountForOrder(AccountId, OrderId, 30m), Now);

        events.ShouldBe([new OrderPaymentDebited(AccountId, OrderId, 30m, Now)]);
        reply.ShouldBe(new AccountDebitedForOrder(AccountId, OrderId, 30m));
        Account([Deposited(50m), .. events]).Balance.ShouldBe(20m);
    }

    [Fact]
    public void The_same_order_debited_again_changes_nothing_and_gets_the_same_answer()
    {
        var account = Account(Deposited(50m), new OrderPaymentDebited(AccountId, OrderId, 30m, Now));

        var (events, reply) = OrderPayments.Debit(account, new DebitAccountForOrder(AccountId, OrderId, 30m), Now);

        events.ShouldBeEmpty();
        reply.ShouldBe(new AccountDebitedForOrder(AccountId, OrderId, 30m));
    }

    [Fact]
    public void An_order_the_balance_cannot_cover_is_declined_and_the_balance_untouched()
    {
        var (events, reply) = OrderPayments.Debit(Account(Deposited(10m)), new DebitAccountForOrder(AccountId, OrderId, 30m), Now);

        var declined = events.ShouldHaveSingleItem().ShouldBeOfType<OrderPaymentDeclined>();
        declined.Reason.ShouldBe(PaymentDeclineReason.InsufficientFunds);
        reply.ShouldBeOfType<AccountDebitForOrderDeclined>().Detail.ShouldBe("insufficient funds: balance 10.00, requested 30.00.");
        Account([Deposited(10m), .. events]).Balance.ShouldBe(10m);
    }

    [Fact]
    public void A_declined_order_stays_declined_even_after_a_deposit()
    {
        var account = Account(Deposited(10m),
            new OrderPaymentDeclined(AccountId, OrderId, 30m, PaymentDeclineReason.InsufficientFunds, "insufficient funds", Now),
            Deposited(100m));

        var (events, reply) = OrderPayments.Debit(account, new DebitAccountForOrder(AccountId, OrderId, 30m), Now);

        events.ShouldBeEmpty();
        reply.ShouldBeOfType<AccountDebitForOrderDeclined>().Reason.ShouldBe(PaymentDeclineReason.InsufficientFunds);
    }

    [Fact]
    public void A_closed_account_declines_debits() =>
        OrderPayments.Debit(Account(new AccountClosed(AccountId, Now)), new DebitAccountForOrder(AccountId, OrderId, 1m), Now)
            .Reply.ShouldBeOfType<AccountDebitForOrderDeclined>().Reason.ShouldBe(PaymentDeclineReason.AccountClosed);

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("0.005")]
    public void An_invalid_amount_is_declined(string amount) =>
        OrderPayments.Debit(Account(Deposited(100m)),
                new DebitAccountForOrder(AccountId, OrderId, decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)), Now)
            .Reply.ShouldBeOfType<AccountDebitForOrderDeclined>().Reason.ShouldBe(PaymentDeclineReason.InvalidAmount);

    [Fact]
    public void A_paid_order_is_refunded_once()
    {
        var paid = Account(Deposited(50m), new OrderPaymentDebited(AccountId, OrderId, 30m, Now));

        var (events, reply) = OrderPayments.Refund(paid, new RefundAccountForOrder(AccountId, OrderId, 30m), Now);
        events.ShouldBe([new OrderPaymentRefunded(AccountId, OrderId, 30m, Now)]);
        reply.ShouldBe(new AccountRefundedForOrder(AccountId, OrderId, 30m));

        var refunded = Account([Deposited(50m), new OrderPaymentDebited(AccountId, OrderId, 30m, Now), .. events]);
        refunded.Balance.ShouldBe(50m);
        var again = OrderPayments.Refund(refunded, new RefundAccountForOrder(AccountId, OrderId, 30m), Now);
        again.Events.ShouldBeEmpty();
        again.Reply.ShouldBe(new AccountRefundedForOrder(AccountId, OrderId, 30m));
    }

    [Fact]
    public void An_order_never_paid_is_not_refunded() =>
        OrderPayments.Refund(Account(Deposited(50m)), new RefundAccountForOrder(AccountId, OrderId, 30m), Now)
            .Reply.ShouldBeOfType<AccountRefundForOrderDeclined>().Reason.ShouldBe(PaymentDeclineReason.NotDebited);

    [Fact]
    public void A_refund_cannot_exceed_what_was_paid() =>
        OrderPayments.Refund(Account(Deposited(50m), new OrderPaymentDebited(AccountId, OrderId, 30m, Now)),
                new RefundAccountForOrder(AccountId, OrderId, 31m), Now)
            .Reply.ShouldBeOfType<AccountRefundForOrderDeclined>().Reason.ShouldBe(PaymentDeclineReason.RefundExceedsDebit);
}
