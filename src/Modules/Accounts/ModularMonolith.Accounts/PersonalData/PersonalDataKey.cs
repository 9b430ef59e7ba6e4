using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Marten;

namespace ModularMonolith.Accounts.PersonalData;

/// <summary>
/// The one key that opens an account's personal data (AES-256-GCM), a row of its own in
/// <c>accounts.mt_doc_personaldatakey</c>, never inside an event. Deleting the row is the erasure: every copy of the
/// data, in events, snapshots, projections and rebuilds, becomes unreadable at once (crypto-shredding, ADR 0013).
/// The account id is the associated data, so a ciphertext moved to another account does not open.
/// </summary>
public sealed class PersonalDataKey
{
    /// <summary>What a reader sees where personal data was erased.</summary>
    public const string ErasedText = "(erased)";

    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>The account id.</summary>
    public Guid Id { get; set; }

    public byte[] Secret { get; set; } = [];

    /// <summary><see cref="Secret"/>'s name in the stored JSON (base64), for a query that reads it alone.</summary>
    public const string SecretJsonName = "secret";

    public static PersonalDataKey New(Guid accountId) => Of(accountId, RandomNumberGenerator.GetBytes(32));

    public static PersonalDataKey Of(Guid accountId, byte[] secret) => new() { Id = accountId, Secret = secret };

    public static Task<PersonalDataKey?> LoadAsync(IQuerySession session, Guid accountId, CancellationToken cancellation) =>
        session.LoadAsync<PersonalDataKey>(accountId, cancellation);

    public SealedText Seal(string clearText)
    {
        var plain = Encoding.UTF8.GetBytes(clearText);
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Secret, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize),
            AssociatedData());
        return new SealedText(SealedText.CipherPrefix + Convert.ToBase64String(sealedBytes));
    }

    /// <summary>
    /// The clear text, or <see cref="ErasedText"/> when there is no key (erased) or the text was erased. A ciphertext that
    /// does not open under a key that exists is corruption, not erasure: that throws (a server fault).
    /// </summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Reveal(PersonalDataKey? key, SealedText? text)
    {
        using var revealing = Revealing(key);
        return revealing.Reveal(text);
    }

    /// <summary>
    /// Reveals several texts of one account with one AES-GCM context, released when disposed: making a context costs
    /// about as much as opening a short text with it, and an account's view opens three (docs/benchmarks.md).
    /// </summary>
    public static Revealer Revealing(PersonalDataKey? key) => new(key);

    // A class: a `using` variable is read-only, and a struct's lazily made context would live on defensive copies.
    public sealed class Revealer(PersonalDataKey? key) : IDisposable
    {
        private AesGcm? _context;
        private byte[]? _associatedData;

        [return: NotNullIfNotNull(nameof(text))]
        public string? Reveal(SealedText? text) =>
            text is null ? null
            : text.IsLegacyClearText ? text.Stored
            : text.IsErased || key is null ? ErasedText
            : Open(key, text);

        private string Open(PersonalDataKey key, SealedText text)
        {
            var sealedBytes = Convert.FromBase64String(text.Stored[SealedText.CipherPrefix.Length..]);
            var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
            _context ??= new AesGcm(key.Secret, TagSize);
            _associatedData ??= key.AssociatedData();
            _context.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize),
                sealedBytes.AsSpan(NonceSize, TagSize), plain, _associatedData);
            return Encoding.UTF8.GetString(plain);
        }

        public void Dispose() => _context?.Dispose();
    }

    private byte[] AssociatedData() => Id.ToByteArray();
}
