using System.Text;
using Alba;

namespace ModularMonolith.Accounts.Tests;

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
}
