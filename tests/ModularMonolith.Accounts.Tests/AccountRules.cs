using ModularMonolith.Accounts.ChangingContactDetails;
using ModularMonolith.Accounts.ClosingAccount;
using ModularMonolith.Accounts.Depositing;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.Accounts.Withdrawing;
using ModularMonolith.BuildingBlocks.Domain;
using Shouldly;
using Xunit;
using static ModularMonolith.Accounts.Tests.Given;

namespace ModularMonolith.Accounts.Tests;

/// <summary>Given events, when a command, then events or a refusal with its reason.</summary>
public sealed class AccountRules
{
    [Fact]
    public void Deposits_raise_the_balance() =>
        Account(Deposited(10m), Deposited(2.5m)).Balance.ShouldBe(12.5m);

    [Fact]
    public void A_deposit_to_an_open_account_is_recorded()
    {
        var salary = Key.Seal("salary");
        DepositFundsEndpoint.Decide(Account(), 20m, salary, Now).ShouldBe(new FundsDeposited(AccountId, 20m, salary, Now));
    }

    [Fact]
    public void A_closed_account_refuses_deposits() =>
        Should.Throw<RuleViolation>(() => DepositFundsEndpoint.Decide(Account(new AccountClosed(AccountId, Now)), 5m, null, Now))
            .Message.ShouldContain("closed");

    [Fact]
    public void A_withdrawal_within_the_balance_is_recorded()
    {
        var withdrawn = WithdrawFundsEndpoint.Decide(Account(Deposited(20m)), 20m, null, Now);

        withdrawn.ShouldBe(new FundsWithdrawn(AccountId, 20m, null, Now));
        Account(Deposited(20m), withdrawn).Balance.ShouldBe(0m);
    }

    [Fact]
    public void A_withdrawal_beyond_the_balance_is_refused_with_both_amounts()
    {
        var refusal = Should.Throw<RuleViolation>(() => WithdrawFundsEndpoint.Decide(Account(Deposited(12m)), 20m, null, Now));

        refusal.Message.ShouldBe("insufficient funds: balance 12.00, requested 20.00.");
        refusal.Facts["balance"].ShouldBe(12m);
        refusal.Facts["requested"].ShouldBe(20m);
    }

    [Fact]
    public void A_closed_account_refuses_withdrawals() =>
        Should.Throw<RuleViolation>(() => WithdrawFundsEndpoint.Decide(Account(new AccountClosed(AccountId, Now)), 1m, null, Now));

    [Fact]
    public void Only_an_empty_account_can_be_closed()
    {
        Should.Throw<RuleViolation>(() => CloseAccountEndpoint.Decide(Account(Deposited(0.01m)), Now)).Message.ShouldContain("0.01");
        CloseAccountEndpoint.Decide(Account(), Now).ShouldBe(new AccountClosed(AccountId, Now));
    }

    [Fact]
    public void Closing_twice_is_refused() =>
        Should.Throw<RuleViolation>(() => CloseAccountEndpoint.Decide(Account(new AccountClosed(AccountId, Now)), Now))
            .Message.ShouldContain("already closed");

    [Fact]
    public void Changing_contact_details_records_them_normalized_and_sealed()
    {
        var changed = ChangeContactDetailsEndpoint.Decide(Account(), new ChangeContactDetails(" ada@new.example.com", "+1 555 123 4567"), Now, Key)
            .ShouldHaveSingleItem().ShouldBeOfType<ContactDetailsChanged>();

        (Open(changed.Email), Open(changed.Phone)).ShouldBe(("ada@new.example.com", "+15551234567"));
        changed.Email.Stored.ShouldNotContain("ada@new");
    }

    [Fact]
    public void Changing_contact_details_to_the_same_ones_records_nothing() =>
        ChangeContactDetailsEndpoint.Decide(Account(), new ChangeContactDetails("ada@example.com", "+44 20 7946 0958"), Now, Key)
            .ShouldBeEmpty();

    [Fact]
    public void A_closed_account_refuses_contact_changes() =>
        Should.Throw<RuleViolation>(() => ChangeContactDetailsEndpoint.Decide(Account(new AccountClosed(AccountId, Now)),
            new ChangeContactDetails("x@example.com", "+15551234567"), Now, Key));

    [Theory]
    [InlineData("0", "greater than zero")]
    [InlineData("-1", "greater than zero")]
    [InlineData("0.001", "2 decimal places")]
    [InlineData("1000000.01", "at most")]
    public void Amounts_must_be_positive_whole_cents_under_the_ceiling(string amount, string reason) =>
        Money.Problem(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture))!.ShouldContain(reason);

    [Theory]
    [InlineData("0.01")]
    [InlineData("1000000")]
    [InlineData("12.50")]
    public void Valid_amounts_pass(string amount) =>
        Money.Problem(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)).ShouldBeNull();
}
