using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using ModularMonolith.BuildingBlocks.Identity;

namespace ModularMonolith.Host.Wiring;

/// <summary>
/// Makes the OpenAPI document say what the API does, so a client can be generated from it (docs/adr/0008):
/// security per operation (none on anonymous ones), every error status an operation can answer with the
/// ProblemDetails schema, admin-only operations marked, request fields required exactly when the endpoint's
/// validation requires them (<see cref="RequiredAttribute"/> on the request record), and the headers of the HTTP
/// conventions (If-Match, Idempotency-Key). Error statuses follow from rules that hold for every endpoint (below)
/// rather than from per-endpoint attributes, so a new endpoint cannot forget them; a test fails when the suite
/// observes a status an operation does not declare.
/// </summary>
internal sealed class OpenApiContract : IOpenApiDocumentTransformer, IOpenApiOperationTransformer, IOpenApiSchemaTransformer
{
    public const string SchemeName = "Bearer";
    public const string AdminOnlyExtension = "x-admin-only";

    /// <summary>Aggregates whose writes compare If-Match with the stream version (412).</summary>
    private static readonly string[] VersionedResources = ["/api/accounts/{id}", "/api/carts/{id}", "/api/orders/{id}"];

    /// <summary>Resources that belong to a customer: someone else's answers 403.</summary>
    private static readonly string[] OwnedResources = ["/api/accounts", "/api/carts", "/api/orders", "/api/customers"];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken token)
    {
        document.Info = new OpenApiInfo
        {
            Title = "ModularMonolith API",
            Version = "v1",
            Description = "Accounts, Cart and Orders of an event-sourced modular monolith. Errors are RFC 9457 ProblemDetails; " +
                          "writes on accounts, carts and orders take If-Match (their ETag is the stream version); every POST takes " +
                          "an optional Idempotency-Key."
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A token from `eng/run.sh token --account <id>` (a customer) or `eng/run.sh token --admin`."
        };
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = "Accounts", Description = "Customers: sign-up, contact details, money in and out, statement, history." },
            new() { Name = "Cart", Description = "The catalog and discounts (admin), carts and checkout, product reports." },
            new() { Name = "Orders", Description = "Orders placed by checkouts: payment, shipment, delivery, cancellation, sales reports." },
            new() { Name = "Operations", Description = "Admin views of the system itself (projections)." }
        };
        // Security is declared per operation: a document-wide requirement would claim that sign-up needs a token.
        document.Security = null;

        var bodyTypes = context.DescriptionGroups.SelectMany(g => g.Items)
            .SelectMany(d => d.ParameterDescriptions)
            .Where(p => p.Source == BindingSource.Body)
            .Select(p => p.Type)
            .Distinct();
        foreach (var type in bodyTypes)
            if (document.Components.Schemas is { } schemas && schemas.TryGetValue(type.Name, out var found) && found is OpenApiSchema schema)
                DeclareRequiredFields(schema, type);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Request records keep their fields nullable so that validation, not the JSON reader, names a missing field;
    /// <see cref="RequiredAttribute"/> says which ones validation requires. Exactly those are required, and not null.
    /// </summary>
    private static void DeclareRequiredFields(OpenApiSchema schema, Type type)
    {
        var required = RequiredMembers(type);
        schema.Required = new HashSet<string>(required);
        foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
            if (required.Contains(name) && property is OpenApiSchema { Type: { } t } concrete)
                concrete.Type = t & ~JsonSchemaType.Null;
    }

    public static IReadOnlySet<string> RequiredMembers(Type type)
    {
        var fromParameters = type.GetConstructors().SelectMany(c => c.GetParameters())
            .Where(p => p.GetCustomAttribute<RequiredAttribute>() is not null).Select(p => p.Name!);
        var fromProperties = type.GetProperties()
            .Where(p => p.GetCustomAttribute<RequiredAttribute>() is not null).Select(p => p.Name);
        return fromParameters.Concat(fromProperties).Select(JsonNamingPolicy.CamelCase.ConvertName).ToHashSet();
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken token)
    {
        var description = context.Description;
        var method = description.HttpMethod?.ToUpperInvariant() ?? "GET";
        var path = "/" + (description.RelativePath ?? "").Split('?')[0].TrimStart('/');
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var adminOnly = metadata.OfType<IAuthorizeData>().Any(a => a.Policy == Caller.AdminRole);
        var hasBody = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body);
        var hasRouteValues = path.Contains('{');
        var isWrite = method != "GET";
        var versioned = isWrite && VersionedResources.Any(r => path.StartsWith(r, StringComparison.Ordinal));
        var owned = OwnedResources.Any(r => path.StartsWith(r, StringComparison.Ordinal));
        var isUpsert = method == "PUT" && path.StartsWith("/api/catalog/", StringComparison.Ordinal);

        operation.Tags = new HashSet<OpenApiTagReference> { new(ModuleOf(operation.Tags), context.Document) };
        operation.Summary = Humanize(operation.OperationId);
        operation.Description = adminOnly ? "Admin only: a customer's token is refused with 403." : null;

        if (anonymous)
            operation.Security = [];
        else
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] }];
        if (adminOnly)
        {
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions[AdminOnlyExtension] = new JsonNodeExtension(JsonValue.Create(true));
        }

        var errors = new SortedDictionary<int, string>
        {
            // Every request: a malformed If-Match, path or query value.
            [400] = "The request is invalid: `errors` names each field and what is wrong with it.",
            [503] = "The database cannot be reached; retry after the Retry-After seconds."
        };
        if (!anonymous) errors[401] = "No valid bearer token.";
        if (adminOnly || owned && !anonymous) errors[403] = adminOnly ? "The caller is not an admin." : "The resource belongs to another customer.";
        if (hasRouteValues && !isUpsert) errors[404] = "No such resource, or no such version of it.";
        if (isWrite && !isUpsert) errors[409] = "The request breaks a business rule (`detail` says which), or another request with the same Idempotency-Key is still running.";
        if (versioned) errors[412] = "If-Match names a version that is no longer current.";
        if (isWrite) errors[413] = "The request body is too large.";
        // A body sent to an operation that takes none is a 400 (no media type would do), so only bodies get 415.
        if (hasBody) errors[415] = "The body is not JSON (Content-Type must be application/json).";
        if (method == "POST") errors[422] = "The Idempotency-Key was already used for a different request.";

        operation.Responses ??= new OpenApiResponses();
        foreach (var code in operation.Responses.Keys.Where(k => k.Length == 3 && k[0] is '4' or '5').ToList())
            operation.Responses.Remove(code);
        foreach (var (status, text) in errors)
            operation.Responses[status.ToString()] = new OpenApiResponse
            {
                Description = text,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", context.Document) }
                }
            };

        operation.Parameters ??= [];
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>())
            DescribeQueryParameter(parameter, path);
        if (versioned)
            operation.Parameters.Add(Header("If-Match",
                "Optional. The ETag of the version this change was decided on, e.g. \"3\"; a stale one answers 412."));
        if (method == "POST")
            operation.Parameters.Add(Header("Idempotency-Key",
                "Optional. Repeating a request with the same key (within 24 h) answers the first response without doing the work again."));
        return Task.CompletedTask;
    }

    /// <summary>Query values are read as text so that validation can name them; here they get their real types.</summary>
    private static void DescribeQueryParameter(OpenApiParameter parameter, string path)
    {
        if (parameter.In != ParameterLocation.Query) return;
        // The sales report takes calendar days; every other time filter (asOf, the dead letters' from/until) an instant.
        var days = path.StartsWith("/api/reports/", StringComparison.Ordinal);
        parameter.Schema = parameter.Name switch
        {
            "version" => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "1" },
            "page" or "pageSize" or "quantity" or "limit" => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" },
            "from" or "to" when days => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" },
            "asOf" or "from" or "until" => new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            _ => parameter.Schema
        };
    }

    /// <summary>Money is a decimal in whole cents, never a binary floating-point number.</summary>
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken token)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(decimal) || type == typeof(decimal?))
        {
            // The money converter (MoneyJson) hides the number type from the schema exporter; say it again.
            schema.Type = type == typeof(decimal?) ? JsonSchemaType.Number | JsonSchemaType.Null : JsonSchemaType.Number;
            schema.Format = "decimal";
            schema.MultipleOf = 0.01m;
        }
        return Task.CompletedTask;
    }

    private static OpenApiParameter Header(string name, string text) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = false,
        Description = text,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String }
    };

    /// <summary>
    /// Operations are grouped by the module that serves them. Wolverine tags each with its endpoint class's full name
    /// (ModularMonolith.Accounts.Withdrawing.WithdrawFundsEndpoint), which is an internal name, not a client's concern.
    /// </summary>
    private static string ModuleOf(ISet<OpenApiTagReference>? tags)
    {
        var parts = (tags?.FirstOrDefault()?.Name ?? "").Split('.');
        return parts.Length > 2 && parts[0] == "ModularMonolith" ? parts[1] == "Host" ? parts[2] : parts[1] : "Api";
    }

    /// <summary>"WithdrawFunds" → "Withdraw funds".</summary>
    private static string? Humanize(string? operationId) => operationId is null ? null
        : string.Concat(operationId.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
}
