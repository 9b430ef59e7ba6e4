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

    /// <summary>Adds an error when a required display text is missing, blank, too long, or not plain text.</summary>
    public FieldErrors RequireText(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) return Add(field, $"{field} is required.");
        return CheckText(field, value, maxLength);
    }

    /// <summary>
    /// Adds an error when a display text (a name, a reference) is too long or holds what would make it display as
    /// something it is not: control, invisible format (bidirectional overrides, zero-width spaces; a zero-width joiner
    /// only inside an emoji sequence), private-use or unassigned characters, separators, unpaired surrogates
    /// (<see cref="PlainText"/>). Store what passes as <see cref="PlainText.Normalize"/> gives it.
    /// </summary>
    public FieldErrors CheckText(string field, string value, int maxLength)
    {
        if (PlainText.DisplayProblem(value) is { } problem)
            return Add(field, $"{field} must be plain text: it contains {problem}.");
        if (PlainText.Normalize(value).Length > maxLength) return Add(field, $"{field} must be at most {maxLength} characters.");
        return this;
    }

    /// <summary>
    /// Adds an error, and answers false, when an identity text (email, phone, sku, discount code) holds anything that
    /// could make two different values look the same (<see cref="PlainText.IdentityProblem"/>). Checked before the
    /// field's own pattern, so the client learns which character is refused.
    /// </summary>
    public bool CheckIdentity(string field, string value)
    {
        if (PlainText.IdentityProblem(value) is not { } problem) return true;
        Add(field, $"{field} must not contain invisible or control characters: it contains {problem}.");
        return false;
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
