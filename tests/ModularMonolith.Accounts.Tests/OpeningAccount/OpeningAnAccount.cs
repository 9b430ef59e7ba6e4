using ModularMonolith.Accounts.OpeningAccount;
using ModularMonolith.Accounts.PersonalData;
using ModularMonolith.BuildingBlocks.Http;
using Shouldly;
using Wolverine.Http;
using Xunit;

namespace ModularMonolith.Accounts.Tests.OpeningAccount;

/// <summary>Pure tests: the decision and the rules, no host, no database.</summary>
public sealed class OpeningAnAccount
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Opening_records_trimmed_contact_details_and_a_normalized_phone()
    {
        var id = Guid.NewGuid();
        var key = PersonalDataKey.New(id);
        var opened = OpenAccountEndpoint.Decide(id, new OpenAccount("  Ada Lovelace ", " ada@example.com ", "+44 20 7946-0958"), Now, key);

        (opened.AccountId, opened.OpenedAt).ShouldBe((id, Now));
        new[] { opened.Name, opened.Email, opened.Phone }.Select(t => PersonalDataKey.Reveal(key, t))
            .ShouldBe(["Ada Lovelace", "ada@example.com", "+442079460958"]);
        opened.Email.Stored.ShouldStartWith(SealedText.CipherPrefix);
        opened.Email.Stored.ShouldNotContain("ada");
    }

    [Fact]
    public void A_new_account_is_open_with_a_zero_balance()
    {
        var account = Account.Create(new AccountOpened(Guid.NewGuid(), new("Ada"), new("ada@example.com"), new("+442079460958"), Now));

        account.Status.ShouldBe(AccountStatus.Open);
        account.Balance.ShouldBe(0m);
    }

    [Fact]
    public void Valid_details_pass_validation()
    {
        OpenAccountEndpoint.Validate(new OpenAccount("Ada", "ada@example.com", "+442079460958"))
            .ShouldBeSameAs(WolverineContinue.NoProblems);
    }

    [Theory]
    [InlineData("", "name")]
    [InlineData("   ", "name")]
    [InlineData("a\u0000b", "name")]
    [InlineData("Ada\u202Eevil", "name")]
    public void Invalid_names_are_refused(string name, string field) =>
        ErrorsOf(new OpenAccount(name, "ada@example.com", "+442079460958")).ShouldContainKey(field);

    [Fact]
    public void Names_longer_than_the_limit_are_refused() =>
        ErrorsOf(new OpenAccount(new string('a', ContactRules.NameMaxLength + 1), "ada@example.com", "+442079460958"))
            .ShouldContainKey("name");

    [Theory]
    [InlineData("")]
    [InlineData("ada")]
    [InlineData("ada@")]
    [InlineData("ada@localhost")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("ada @example.com")]
    [InlineData("'; drop table accounts.mt_events; --@example.com")]
    public void Invalid_emails_are_refused(string email) =>
        ErrorsOf(new OpenAccount("Ada", email, "+442079460958")).ShouldContainKey("email");

    [Theory]
    [InlineData("")]
    [InlineData("07946 0958")]
    [InlineData("+0442079460958")]
    [InlineData("+44207946095812345")]
    [InlineData("+44 (20) 7946 x0958")]
    [InlineData("+12")]
    public void Phones_not_in_E164_are_refused(string phone) =>
        ErrorsOf(new OpenAccount("Ada", "ada@example.com", phone)).ShouldContainKey("phone");

    [Fact]
    public void Every_invalid_field_is_named_at_once() =>
        ErrorsOf(new OpenAccount("", "nope", "nope")).Keys.ShouldBe(["name", "email", "phone"], ignoreOrder: true);

    private static IDictionary<string, string[]> ErrorsOf(OpenAccount command)
    {
        var problem = OpenAccountEndpoint.Validate(command).ShouldBeOfType<Microsoft.AspNetCore.Mvc.ValidationProblemDetails>();
        problem.Status.ShouldBe(400);
        return problem.Errors;
    }
}
