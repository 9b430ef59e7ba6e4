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
