using ModularMonolith.BuildingBlocks.Domain;
using ModularMonolith.BuildingBlocks.Http;

namespace ModularMonolith.Accounts.PersonalData;

/// <summary>A money movement's reference, sealed like the rest of what the customer writes.</summary>
public static class References
{
    /// <summary>
    /// Sealed with the account's key; none given, none kept. Once the personal data is erased there is no key to seal
    /// with, and keeping the words in clear would undo the erasure: a movement with a reference is refused (409).
    /// </summary>
    public static SealedText? Seal(Account account, PersonalDataKey? key, string? reference) =>
        reference is null ? null
        : key is null ? throw new RuleViolation(
            $"account {account.Id}'s personal data was erased: a reference can no longer be kept; send the movement without one.")
        : key.Seal(PlainText.Normalize(reference));
}
