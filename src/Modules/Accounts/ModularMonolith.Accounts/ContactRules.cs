using System.Net.Mail;
using System.Text.RegularExpressions;
using ModularMonolith.BuildingBlocks.Http;

namespace ModularMonolith.Accounts;

/// <summary>
/// What a valid name, email and phone are. Used wherever contact details enter the module, so opening an
/// account and changing contact details can never disagree.
/// </summary>
public static partial class ContactRules
{
    public const int NameMaxLength = 100;
    public const int EmailMaxLength = 254;

    /// <summary>E.164: a plus sign, a country code not starting with 0, at most 15 digits in all.</summary>
    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    /// <summary>Spaces, dots, dashes and parentheses are readability only: "+44 20 7946-0958" is "+442079460958".</summary>
    public static string NormalizePhone(string phone) =>
        new(phone.Where(c => c is not (' ' or '-' or '.' or '(' or ')')).ToArray());

    /// <summary>Trimmed and in NFC, as stored and shown.</summary>
    public static string NormalizeEmail(string email) => PlainText.Normalize(email);

    /// <summary>What email uniqueness compares: NFKC and case-folded in .NET, so PostgreSQL's collation plays no part.</summary>
    public static string EmailKey(string email) => PlainText.IdentityKey(email);

    public static string NormalizeName(string name) => PlainText.Normalize(name);

    public static void CheckName(FieldErrors errors, string? name) => errors.RequireText("name", name, NameMaxLength);

    public static void CheckEmail(FieldErrors errors, string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            errors.Add("email", "email is required.");
            return;
        }
        if (!errors.CheckIdentity("email", email)) return;

        var trimmed = NormalizeEmail(email);
        if (trimmed.Length > EmailMaxLength)
            errors.Add("email", $"email must be at most {EmailMaxLength} characters.");
        else if (!MailAddress.TryCreate(trimmed, out var address) || address.Address != trimmed ||
                 trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || !address.Host.Contains('.'))
            errors.Add("email", "email must be a plain address such as ada@example.com.");
    }

    public static void CheckPhone(FieldErrors errors, string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
            errors.Add("phone", "phone is required.");
        else if (errors.CheckIdentity("phone", phone) && (phone.Length > 32 || !E164().IsMatch(NormalizePhone(phone))))
            errors.Add("phone", "phone must be an international number in E.164 form, e.g. +442079460958.");
    }
}
