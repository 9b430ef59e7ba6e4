using System.Globalization;
using System.Text;

namespace ModularMonolith.BuildingBlocks.Http;

/// <summary>
/// What text a client may send (README, "What text may contain"). Two kinds:
/// <list type="bullet">
/// <item><b>identity</b> text (email, phone, sku, discount code) is compared for equality, so nothing may hide in it: no
/// control (Cc), format (Cf: zero-width spaces and joiners, bidirectional controls, …), private-use (Co), unassigned
/// (Cn) or line/paragraph-separator (Zl/Zp) characters, and no unpaired surrogate (nor U+FFFD, which a JSON decoder
/// puts in its place). It is stored in Unicode NFC, and
/// compared through <see cref="IdentityKey"/>;</item>
/// <item><b>display</b> text (names, references) is shown, never compared: the same, except that a zero-width joiner
/// (U+200D) may sit inside an emoji sequence (👩‍💻: an emoji, optionally a skin tone or variation selector, then
/// the joiner, then another emoji). Stored trimmed, in NFC.</item>
/// </list>
/// </summary>
public static class PlainText
{
    private const char ZeroWidthJoiner = '\u200D';

    /// <summary>Why <paramref name="value"/> cannot be identity text (e.g. "U+200B, a format character"), or null.</summary>
    public static string? IdentityProblem(string value) => Problem(value, allowEmojiJoiners: false);

    /// <summary>Why <paramref name="value"/> cannot be display text, or null.</summary>
    public static string? DisplayProblem(string value) => Problem(value, allowEmojiJoiners: true);

    /// <summary>Trimmed and in NFC: the one stored form of a text that has passed its check.</summary>
    public static string Normalize(string value) => value.Trim().Normalize(NormalizationForm.FormC);

    /// <summary>
    /// The form two identity texts are compared in: compatibility-normalised (NFKC: a full-width "ａ" is an "a") and
    /// case-folded the same way on every machine (invariant culture), so uniqueness never depends on the database's
    /// collation.
    /// </summary>
    public static string IdentityKey(string value) =>
        Normalize(value).Normalize(NormalizationForm.FormKC).ToUpperInvariant().ToLowerInvariant().Normalize(NormalizationForm.FormKC);

    private static string? Problem(string value, bool allowEmojiJoiners)
    {
        Rune? previous = null;
        for (var i = 0; i < value.Length;)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
                return $"U+{(int)value[i]:X4}, an unpaired surrogate";
            var category = Rune.GetUnicodeCategory(rune);
            var refused = category switch
            {
                UnicodeCategory.Control => "a control character",
                UnicodeCategory.Format when allowEmojiJoiners && rune.Value == ZeroWidthJoiner
                                            && JoinsEmoji(previous, value.AsSpan(i + consumed)) => null,
                UnicodeCategory.Format => "an invisible format character",
                UnicodeCategory.PrivateUse => "a private-use character",
                UnicodeCategory.OtherNotAssigned => "an unassigned code point",
                UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => "a line or paragraph separator",
                // What a decoder puts where the client's text was not valid Unicode (e.g. an unpaired surrogate in JSON).
                _ when rune.Value == 0xFFFD => "a replacement character (the text was not valid Unicode)",
                _ => null
            };
            if (refused is not null) return $"U+{rune.Value:X4}, {refused}";
            previous = rune;
            i += consumed;
        }
        return null;
    }

    /// <summary>A joiner inside an emoji sequence: after an emoji (or its skin tone or variation selector), before an emoji.</summary>
    private static bool JoinsEmoji(Rune? before, ReadOnlySpan<char> after) =>
        before is { } b && (Rune.GetUnicodeCategory(b) is UnicodeCategory.OtherSymbol || IsEmojiModifier(b))
        && Rune.DecodeFromUtf16(after, out var next, out _) == System.Buffers.OperationStatus.Done
        && Rune.GetUnicodeCategory(next) == UnicodeCategory.OtherSymbol;

    private static bool IsEmojiModifier(Rune r) => r.Value is >= 0x1F3FB and <= 0x1F3FF or 0xFE0F;
}
