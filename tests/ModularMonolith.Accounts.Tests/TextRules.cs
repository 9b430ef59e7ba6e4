using ModularMonolith.BuildingBlocks.Http;
using Shouldly;
using Xunit;

namespace ModularMonolith.Accounts.Tests;

/// <summary>What identity text (compared) and display text (shown) may hold: <see cref="PlainText"/>.</summary>
public sealed class TextRules
{
    [Theory]
    [InlineData("\u200B", "U+200B, an invisible format character")]
    [InlineData("\u202E", "U+202E, an invisible format character")]
    [InlineData("\u0000", "U+0000, a control character")]
    [InlineData("\u2028", "U+2028, a line or paragraph separator")]
    [InlineData("\uE000", "U+E000, a private-use character")]
    [InlineData("\U000E0041", "U+E0041, an invisible format character")]
    public void Identity_text_refuses_hidden_characters_and_names_them(string hidden, string problem) =>
        PlainText.IdentityProblem($"ada{hidden}@example.com").ShouldBe(problem);

    [Fact]
    public void An_unpaired_surrogate_is_named() =>
        PlainText.IdentityProblem(new string(['a', '\uDC00', 'b'])).ShouldBe("U+DC00, an unpaired surrogate");

    [Theory]
    [InlineData("\U0001F468\u200D\U0001F469\u200D\U0001F467")]   // family
    [InlineData("\U0001F3F3\uFE0F\u200D\U0001F308")]             // rainbow flag: VS16 before the joiner
    [InlineData("\U0001F469\U0001F3FD\u200D\U0001F4BB")]         // skin tone before the joiner
    [InlineData("Zoë Ørsted-Łukasz 李")]
    public void Display_text_allows_emoji_sequences_and_any_script(string name)
    {
        PlainText.DisplayProblem(name).ShouldBeNull();
        PlainText.IdentityProblem("a\u200Db").ShouldNotBeNull();
    }

    [Theory]
    [InlineData("Ada\u200D")]
    [InlineData("\u200DAda")]
    [InlineData("A\u200Dda")]
    [InlineData("\U0001F468\u200D")]
    [InlineData("Ada\u2066x\u2069")]
    public void Display_text_refuses_a_joiner_outside_an_emoji_sequence_and_direction_controls(string name) =>
        PlainText.DisplayProblem(name).ShouldNotBeNull();

    [Fact]
    public void Identity_keys_fold_case_and_compatibility_forms() =>
        new[] { "ADA@EXAMPLE.COM", "\uFF41da@example.com", " ada@example.com " }
            .Select(PlainText.IdentityKey).ShouldAllBe(k => k == "ada@example.com");
}
