using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ModularMonolith.BuildingBlocks.Http;

/// <summary>
/// Every decimal in this API is money, and money is whole cents. <c>decimal</c> parsing silently rounds what it cannot
/// hold (1.10000000000000000000000000001 becomes 1.1000000000000000000000000000), so the number is judged as the client
/// wrote it, from its JSON text: at most <see cref="MaxIntegerDigits"/> digits before the point, and no non-zero digit
/// after the second decimal (1.100 and 1.1e0 are fine; 1.001 and 1e-3 are not). What passes is read at scale 2, and
/// every amount is written at scale 2, so 1.1 and 1.10 read and show the same: 1.10.
/// </summary>
public static class MoneyJson
{
    /// <summary>Far above any business limit (those are checked by each endpoint) and far inside decimal's range.</summary>
    public const int MaxIntegerDigits = 15;

    /// <summary>Gives every decimal property a converter that knows the property's JSON name, for its messages.</summary>
    public static void NameMoneyFields(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in type.Properties)
        {
            if (property.PropertyType == typeof(decimal)) property.CustomConverter = new Converter(property.Name);
            else if (property.PropertyType == typeof(decimal?)) property.CustomConverter = new NullableConverter(property.Name);
        }
    }

    /// <summary>Reads one JSON number as money, or throws a JsonException whose message names the field and the rule.</summary>
    public static decimal Read(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType != JsonTokenType.Number)
            throw new FieldRuleException($"{field} must be a number, such as 12.50.");
        var text = Encoding.ASCII.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        return Parse(text) switch
        {
            (null, { } problem) => throw new FieldRuleException(string.Format(CultureInfo.InvariantCulture, problem, field)),
            ({ } amount, _) => amount,
            _ => throw new FieldRuleException($"{field} is not a valid amount.")
        };
    }

    /// <summary>
    /// A JSON number's text (RFC 8259 grammar, already checked by the reader) to money at scale 2, or why not
    /// ("{0}" stands for the field).
    /// </summary>
    public static (decimal? Amount, string? Problem) Parse(string text)
    {
        var negative = text.StartsWith('-');
        var body = negative ? text[1..] : text;
        var e = body.IndexOfAny(['e', 'E']);
        var mantissa = e < 0 ? body : body[..e];
        var point = mantissa.IndexOf('.');
        var digits = point < 0 ? mantissa : mantissa[..point] + mantissa[(point + 1)..];
        // value = digits × 10^-scale
        long scale = point < 0 ? 0 : mantissa.Length - point - 1;
        if (e >= 0)
        {
            // An exponent with more digits than a long holds is absurd either way; clamp it, keeping its sign.
            var exponentText = body[(e + 1)..];
            if (!long.TryParse(exponentText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent))
                exponent = exponentText.StartsWith('-') ? -1_000_000 : 1_000_000;
            scale -= exponent;
        }

        digits = digits.TrimStart('0');
        while (digits.Length > 0 && digits[^1] == '0') (digits, scale) = (digits[..^1], scale - 1);
        if (digits.Length == 0) return (0.00m, null);
        if (scale > 2) return (null, "{0} must have at most 2 decimal places (whole cents).");
        if (digits.Length - scale > MaxIntegerDigits)
            return (null, $"{{0}} is out of range: at most {MaxIntegerDigits} digits before the decimal point.");

        // Now scale ≤ 2: pad to exactly two decimals and let decimal read it exactly.
        var cents = (digits + new string('0', (int)(2 - scale))).PadLeft(3, '0');
        var value = decimal.Parse($"{(negative ? "-" : "")}{cents[..^2]}.{cents[^2..]}",
            NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return (value, null);
    }

    /// <summary>The one scale money is shown at: 1.1 → 1.10, 3 → 3.00.</summary>
    public static decimal AtTwoDecimals(decimal amount) => decimal.Round(amount * 1.00m, 2, MidpointRounding.ToEven);

    /// <summary>For decimals that are not properties (list items, dictionary values) and as the default.</summary>
    public sealed class Converter(string field = "amount") : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            MoneyJson.Read(ref reader, field);

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(AtTwoDecimals(value));
    }

    public sealed class NullableConverter(string field) : JsonConverter<decimal?>
    {
        public override bool HandleNull => true;

        public override decimal? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? null : MoneyJson.Read(ref reader, field);

        public override void Write(Utf8JsonWriter writer, decimal? value, JsonSerializerOptions options)
        {
            if (value is { } amount) writer.WriteNumberValue(AtTwoDecimals(amount));
            else writer.WriteNullValue();
        }
    }
}
