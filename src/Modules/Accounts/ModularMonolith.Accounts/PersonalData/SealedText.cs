using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModularMonolith.Accounts.PersonalData;

/// <summary>
/// A piece of personal data as events and documents hold it: never the clear text, but its stored form (JSON: a
/// string). Three forms: <c>pd1:…</c> is AES-GCM ciphertext under the account's <see cref="PersonalDataKey"/>;
/// <c>pd:erased</c> is what an erasure leaves; anything else is clear text written before #15 ("legacy"), which reads
/// as it is until <c>seal-personal-data</c> or an erasure rewrites it (docs/adr/0013).
/// </summary>
[JsonConverter(typeof(SealedTextJson))]
public sealed record SealedText(string Stored)
{
    public const string CipherPrefix = "pd1:";

    /// <summary>What an erasure leaves in events and documents.</summary>
    public static readonly SealedText Erased = new("pd:erased");

    public bool IsCipher => Stored.StartsWith(CipherPrefix, StringComparison.Ordinal);
    public bool IsErased => Stored == Erased.Stored;
    public bool IsLegacyClearText => !IsCipher && !IsErased;

    public override string ToString() => IsLegacyClearText ? "(clear text)" : Stored;
}

/// <summary>A <see cref="SealedText"/> is its stored string in JSON, so old events (a plain string) still read.</summary>
public sealed class SealedTextJson : JsonConverter<SealedText>
{
    public override SealedText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, SealedText value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Stored);
}
