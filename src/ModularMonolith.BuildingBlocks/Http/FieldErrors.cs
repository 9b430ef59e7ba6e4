using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ModularMonolith.BuildingBlocks.Http;

/// <summary>
/// Collects per-field validation errors for a request and turns them into the 400 ValidationProblemDetails that
/// Wolverine's <c>Validate</c> convention returns. No errors → <see cref="WolverineContinue.NoProblems"/>, and the
/// endpoint runs; otherwise the endpoint never runs, so nothing is written.
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
            _errors[field] = messages = [];
        messages.Add(message);
        return this;
    }

    /// <summary>Adds an error when a required text is missing, blank, too long, or not plain text.</summary>
    public FieldErrors RequireText(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) return Add(field, $"{field} is required.");
        return CheckText(field, value, maxLength);
    }

    /// <summary>
    /// Adds an error when a text is too long or holds control characters or bidirectional overrides (U+202A–U+202E,
    /// U+2066–U+2069), which make a name display as something it is not.
    /// </summary>
    public FieldErrors CheckText(string field, string value, int maxLength)
    {
        if (value.Trim().Length > maxLength) return Add(field, $"{field} must be at most {maxLength} characters.");
        if (value.Any(c => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069'))
            return Add(field, $"{field} must not contain control or bidirectional-override characters.");
        return this;
    }

    public ProblemDetails ToProblem() => Any
        ? new ValidationProblemDetails(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid.",
            Detail = string.Join(" ", _errors.SelectMany(e => e.Value))
        }
        : WolverineContinue.NoProblems;

    public static ProblemDetails MissingBody() =>
        new FieldErrors().Add("body", "A JSON request body is required.").ToProblem();
}
