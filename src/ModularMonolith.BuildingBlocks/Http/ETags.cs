using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ModularMonolith.BuildingBlocks.Http;

/// <summary>
/// An aggregate's ETag is its stream version, as a strong entity tag: <c>"7"</c>.
/// Writes send it back in <c>If-Match</c>; it becomes Marten's expected version for the append.
/// </summary>
public static class ETags
{
    public static string For(long version) => $"\"{version}\"";

    public static void Write(HttpResponse response, long version) =>
        response.Headers.ETag = For(version);

    /// <summary>
    /// Reads <c>If-Match</c>. Absent → no expectation. <c>*</c> → no expectation on the version (the stream must exist,
    /// which every write checks anyway). A list or a weak tag cannot name one version, so it is refused.
    /// </summary>
    public static bool TryReadIfMatch(HttpRequest request, out long? expectedVersion, out string? error)
    {
        expectedVersion = null;
        error = null;
        StringValues values = request.Headers.IfMatch;
        if (StringValues.IsNullOrEmpty(values)) return true;

        var raw = values.Count == 1 ? values[0]!.Trim() : string.Join(",", values.ToArray());
        if (raw == "*") return true;

        if (raw.Length >= 3 && raw[0] == '"' && raw[^1] == '"' &&
            long.TryParse(raw.AsSpan(1, raw.Length - 2), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var version) && version > 0)
        {
            expectedVersion = version;
            return true;
        }

        error = "If-Match must be one strong entity tag as returned in ETag, e.g. \"3\".";
        return false;
    }
}
