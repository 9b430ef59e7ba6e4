using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace ModularMonolith.BuildingBlocks.Http;

/// <summary>
/// Says what is wrong with a request body in the client's terms: the JSON field (from the exception's path,
/// <c>$.lines[0].sku</c> → <c>lines[0].sku</c>) and what it should hold, found by walking the request type's JSON
/// contract. System.Text.Json's own messages name .NET types and namespaces, which tell a client nothing and tell an
/// attacker how the server is built, so none of its text is passed on.
/// </summary>
public static partial class JsonBodyErrors
{
    public const string BodyField = "body";

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathSegment();

    /// <summary>The field a JSON path names, as the client wrote it; the whole body when the path is the root.</summary>
    public static string FieldOf(string? path)
    {
        var field = path is null ? "" : path.TrimStart('$').TrimStart('.');
        return field.Length == 0 ? BodyField : field;
    }

    /// <summary>The field to name and the message for <paramref name="exception"/>, raised reading a <paramref name="requestType"/>.</summary>
    public static (string Field, string Message) Describe(JsonException exception, Type? requestType, JsonSerializerOptions options)
    {
        // The reader's exception type is internal to System.Text.Json: it means the text is not JSON at all.
        if (IsMalformed(exception))
            return (BodyField, $"The body is not well-formed JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}).");

        var field = FieldOf(exception.Path);
        // A converter of ours that judges a field (money) already says what is wrong in the client's terms.
        if (exception is FieldRuleException rule) return (field, rule.Message);
        if (requestType is null) return (field, $"{field}: the value does not fit this endpoint's request.");

        var target = options.GetTypeInfo(requestType);
        foreach (Match segment in PathSegment().Matches(exception.Path ?? ""))
        {
            if (segment.Groups["index"].Success)
            {
                target = target.ElementType is { } element ? options.GetTypeInfo(element) : target;
                continue;
            }

            var name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value.Replace("''", "'");
            var property = target.Kind == JsonTypeInfoKind.Object ? target.Properties.FirstOrDefault(p => p.Name == name) : null;
            if (property is null)
                return target.Kind == JsonTypeInfoKind.Dictionary && target.ElementType is { } value
                    ? (field, $"{field}: expected {Expected(value, options)}.")
                    : (field, $"{field}: unknown member; this request has no such field.");
            target = options.GetTypeInfo(property.PropertyType);
        }

        return field == BodyField
            ? (field, $"The body must be {Expected(target.Type, options)}.")
            : (field, $"{field}: expected {Expected(target.Type, options)}.");
    }

    private static bool IsMalformed(JsonException exception) =>
        exception.GetType().Name == "JsonReaderException" || exception.InnerException?.GetType().Name == "JsonReaderException";

    /// <summary>What a value of <paramref name="type"/> looks like in JSON, in words (never the type's name).</summary>
    private static string Expected(Type type, JsonSerializerOptions options)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
            return "one of " + string.Join(", ", Enum.GetValues(type).Cast<object>()
                .Select(v => JsonSerializer.Serialize(v, type, options)));
        return Type.GetTypeCode(type) switch
        {
            TypeCode.String => "a string of valid Unicode text",
            TypeCode.Boolean => "true or false",
            TypeCode.Int32 => "a whole number from -2147483648 to 2147483647",
            TypeCode.Int64 => "a whole number from -9223372036854775808 to 9223372036854775807",
            TypeCode.Int16 or TypeCode.Byte or TypeCode.SByte or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 => "a whole number in range",
            TypeCode.Decimal => "a number of at most 28 significant digits",
            TypeCode.Double or TypeCode.Single => "a number",
            TypeCode.DateTime => "an ISO-8601 instant with its offset, e.g. 2026-11-23T09:30:00Z",
            _ when type == typeof(DateTimeOffset) => "an ISO-8601 instant with its offset, e.g. 2026-11-23T09:30:00Z",
            _ when type == typeof(DateOnly) => "a date as yyyy-MM-dd, e.g. 2026-11-23",
            _ when type == typeof(Guid) => "a UUID, e.g. 0199a1b2-0000-7000-8000-0000000000d1",
            _ => options.GetTypeInfo(type).Kind switch
            {
                JsonTypeInfoKind.Enumerable => "an array",
                _ => "a JSON object"
            }
        };
    }
}

/// <summary>
/// Thrown by the project's own JSON converters when a value breaks a field's rule (e.g. money in whole cents): its
/// message is written for the client and names the field, so it is passed on as it is.
/// </summary>
public sealed class FieldRuleException(string message) : JsonException(message);
