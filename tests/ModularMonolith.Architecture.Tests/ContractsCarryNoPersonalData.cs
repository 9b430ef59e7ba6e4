using System.Reflection;
using System.Text.RegularExpressions;
using Shouldly;
using Xunit;

namespace ModularMonolith.Architecture.Tests;

/// <summary>
/// Messages between modules sit in Wolverine's envelope tables (and dead letters) beyond any erasure's reach, so
/// they carry ids, amounts and the catalog's words, never a customer's (issue #15, docs/architecture.md). A new text
/// member in a Contracts message must be added to <see cref="NotPersonal"/> with the reason it is not personal data.
/// </summary>
public sealed partial class ContractsCarryNoPersonalData
{
    private static readonly string[] Modules = ["Accounts", "Cart", "Orders"];

    /// <summary>Text members known not to hold personal data, and why.</summary>
    private static readonly Dictionary<string, string> NotPersonal = new()
    {
        ["AccountDebitForOrderDeclined.Detail"] = "the server's reason, with ids and amounts only",
        ["AccountRefundForOrderDeclined.Detail"] = "the server's reason, with ids and amounts only",
        ["CheckedOutLine.Sku"] = "the catalog's product code",
        ["CheckedOutLine.Name"] = "the catalog's product name",
        ["CheckedOutDiscount.Code"] = "the catalog's discount code",
        ["CheckedOutDiscount.Sku"] = "the catalog's product code",
    };

    [GeneratedRegex("name|mail|phone|address|street|city|zip|postcode|birth|reference|note|comment", RegexOptions.IgnoreCase)]
    private static partial Regex PersonalSounding();

    private static IEnumerable<(Type Type, PropertyInfo Property)> Members() =>
        Modules.Select(m => Assembly.Load($"ModularMonolith.{m}.Contracts"))
            .SelectMany(a => a.GetExportedTypes())
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => (t, p)));

    [Fact]
    public void Every_text_member_of_a_contract_is_known_not_to_be_personal()
    {
        var text = Members()
            .Where(m => (Nullable.GetUnderlyingType(m.Property.PropertyType) ?? m.Property.PropertyType) is var type &&
                        (type == typeof(string) || type == typeof(char[]) || type == typeof(object)))
            .Select(m => $"{m.Type.Name}.{m.Property.Name}");

        text.Where(name => !NotPersonal.ContainsKey(name)).ShouldBeEmpty(
            "a Contracts message gained a text member: messages must carry ids, not what a customer wrote about themselves");
    }

    [Fact]
    public void No_contract_member_is_named_like_personal_data_unless_known()
    {
        Members().Select(m => $"{m.Type.Name}.{m.Property.Name}")
            .Where(name => PersonalSounding().IsMatch(name.Split('.')[1]) && !NotPersonal.ContainsKey(name))
            .ShouldBeEmpty();
    }

    [Fact]
    public void The_contracts_are_found() => Members().Count().ShouldBeGreaterThan(10);
}
