using System.Text.Json;
using Alba;
using ModularMonolith.BuildingBlocks.Http;
using ModularMonolith.Testing;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests.Depositing;

/// <summary>Money is whole cents, judged from the JSON text the client sent, and shown at two decimals.</summary>
[Collection(AccountsCollection.Name)]
public sealed class MoneyAsTheClientWroteIt(AccountsApp app)
{
    [Theory]
    [InlineData("1.1", "1.10")]
    [InlineData("1.10", "1.10")]
    [InlineData("1.100000", "1.10")]
    [InlineData("110e-2", "1.10")]
    [InlineData("0.011e2", "1.10")]
    [InlineData("1e2", "100.00")]
    [InlineData("1E+2", "100.00")]
    [InlineData("-0", "0.00")]
    [InlineData("0.1e-1", "0.01")]
    [InlineData("5", "5.00")]
    [InlineData("0e999999999999999999999", "0.00")]
    [InlineData("-12.5", "-12.50")]
    public void Amounts_in_whole_cents_read_at_two_decimals(string json, string read)
    {
        var (amount, problem) = MoneyJson.Parse(json);
        problem.ShouldBeNull();
        amount!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldBe(read);
    }

    [Theory]
    [InlineData("1.10000000000000000000000000001", "decimal places")]
    [InlineData("1.001", "decimal places")]
    [InlineData("1e-3", "decimal places")]
    [InlineData("0.1e-2", "decimal places")]
    [InlineData("1e-99999999999999999999", "decimal places")]
    [InlineData("1234567890123456789012345678", "out of range")]
    [InlineData("1e16", "out of range")]
    [InlineData("1e99999999999999999999", "out of range")]
    public void More_than_cents_or_more_than_fifteen_whole_digits_is_refused(string json, string problem) =>
        MoneyJson.Parse(json).Problem.ShouldNotBeNull().ShouldContain(problem);

    [Theory]
    [InlineData("1.10000000000000000000000000001", "amount must have at most 2 decimal places (whole cents).")]
    [InlineData("1.001", "amount must have at most 2 decimal places (whole cents).")]
    [InlineData("1e-2000", "amount must have at most 2 decimal places (whole cents).")]
    [InlineData("79228162514264337593543950336", "amount is out of range: at most 15 digits before the decimal point.")]
    [InlineData("\"10\"", "amount must be a number, such as 12.50.")]
    public async Task A_deposit_with_more_than_cents_is_a_400_naming_amount_and_writes_nothing(string amount, string message)
    {
        var id = await app.OpenAccountAsync();
        await app.ShouldWriteNothing(async () =>
        {
            var result = await app.Host.Scenario(s =>
            {
                s.RawBody("POST", $"/api/accounts/{id}/deposits", $"{{\"amount\":{amount}}}");
                s.Bearer(app.CustomerToken(id));
                s.StatusCodeShouldBe(400);
            });
            var problem = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
            problem.GetProperty("detail").GetString()!.ShouldContain(message);
            problem.GetProperty("detail").GetString()!.ShouldNotContain("System.");
        });
    }

    [Fact]
    public async Task One_point_one_and_one_point_ten_are_the_same_amount_and_show_as_1_10()
    {
        var id = await app.OpenAccountAsync();
        foreach (var amount in new[] { "1.1", "1.10", "110e-2" })
        {
            var result = await app.Host.Scenario(s =>
            {
                s.RawBody("POST", $"/api/accounts/{id}/deposits", $"{{\"amount\":{amount}}}");
                s.Bearer(app.CustomerToken(id));
            });
            (await result.ReadAsTextAsync()).ShouldContain("\"balance\":");
        }

        var read = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{id}");
            s.Bearer(app.CustomerToken(id));
        });
        (await read.ReadAsTextAsync()).ShouldContain("\"balance\":3.30,");
        await app.WaitForAsyncProjectionsAsync();
        var statement = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/accounts/{id}/statement");
            s.Bearer(app.CustomerToken(id));
        });
        var text = await statement.ReadAsTextAsync();
        text.ShouldContain("\"amount\":1.10,");
        text.ShouldNotContain("1.1,");
    }
}
