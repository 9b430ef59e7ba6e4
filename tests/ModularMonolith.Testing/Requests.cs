using System.Text;
using Alba;

namespace ModularMonolith.Testing;

/// <summary>Requests no well-behaved client would send: raw bodies with a chosen content type.</summary>
public static class RawRequests
{
    public static void RawBody(this Scenario scenario, string method, string url, string body, string contentType = "application/json")
    {
        scenario.ConfigureHttpContext(http =>
        {
            http.Request.Method = method;
            http.Request.Path = url;
            http.Request.ContentType = contentType;
            var bytes = Encoding.UTF8.GetBytes(body);
            http.Request.Body = new MemoryStream(bytes);
            http.Request.ContentLength = bytes.Length;
        });
    }

    public static void Bearer(this Scenario scenario, string token) =>
        scenario.WithRequestHeader("Authorization", $"Bearer {token}");

    /// <summary>
    /// Sends <paramref name="method"/> to <paramref name="url"/> (query string allowed) with an optional JSON body and
    /// bearer token, asserts the status, and returns the JSON answer (default when the body is empty).
    /// </summary>
    public static async Task<System.Text.Json.JsonElement> SendJsonAsync(this IAlbaHost host, string method, string url,
        string? token, object? body = null, int status = 200, Action<Scenario>? configure = null)
    {
        var result = await host.Scenario(s =>
        {
            s.ConfigureHttpContext(http =>
            {
                http.Request.Method = method;
                http.Request.Path = url.Split('?')[0];
                if (url.Contains('?')) http.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString(url[url.IndexOf('?')..]);
                if (body is null) return;
                var bytes = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(body, System.Text.Json.JsonSerializerOptions.Web));
                http.Request.ContentType = "application/json";
                http.Request.Body = new MemoryStream(bytes);
                http.Request.ContentLength = bytes.Length;
            });
            if (token is not null) s.Bearer(token);
            configure?.Invoke(s);
            s.StatusCodeShouldBe(status);
        });
        var text = await result.ReadAsTextAsync();
        return text.Length == 0 ? default : System.Text.Json.JsonDocument.Parse(text).RootElement;
    }

    /// <summary>GETs a URL with a bearer token, asserts 200, and returns the JSON body.</summary>
    public static async Task<T> GetAsJson<T>(this IAlbaHost host, string url, string token)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url(url);
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadAsJsonAsync<T>())!;
    }
}
