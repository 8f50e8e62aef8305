using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace MicroSeg.Cli.Connection;

/// <summary>The REST API (/api/v1) over HttpClient: sends the bearer token, turns problem+json answers into <see cref="ApiProblemException"/>.</summary>
internal sealed class ApiClient(HttpClient http) : IDisposable
{
    /// <param name="settings">Server, token and the CA to trust for HTTPS.</param>
    /// <param name="handler">Unit tests look at the requests through it; null uses the default handler, which trusts only
    /// <see cref="ServerSettings.CaFile"/> when one is set, else the machine's store.</param>
    public static ApiClient Create(ServerSettings settings, HttpMessageHandler? handler = null)
    {
        handler ??= settings.CaFile is { } caFile ? ClusterCaTrust.Handler(ClusterCaTrust.Load(caFile)) : new SocketsHttpHandler();
        var http = new HttpClient(handler) { BaseAddress = settings.Server, Timeout = TimeSpan.FromSeconds(100) };
        if (settings.Token is { } token)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ApiClient(http);
    }

    public Task<JsonNode?> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonNode?> PutJsonAsync(string path, JsonNode body, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), ct);

    public Task<JsonNode?> PostJsonAsync(string path, JsonNode body, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), ct);

    public Task<JsonNode?> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw ApiProblemException.From(method, path, response.StatusCode, text);
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
    }

    /// <summary>
    /// Reads a server-sent event stream (GET with Accept: text/event-stream) and yields each event's data as JSON,
    /// until the server ends it or <paramref name="ct"/> is cancelled (Ctrl-C).
    /// </summary>
    public async IAsyncEnumerable<JsonNode> StreamAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw ApiProblemException.From(HttpMethod.Get, path, response.StatusCode, await response.Content.ReadAsStringAsync(ct));
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            var data = new StringBuilder();
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith("data:", StringComparison.Ordinal))
                    data.Append(line.AsSpan(5).TrimStart());
                else if (line.Length == 0 && data.Length > 0)
                {
                    if (JsonNode.Parse(data.ToString()) is { } node)
                        yield return node;
                    data.Clear();
                }
            }
        }
    }

    private CliException Unreachable(HttpRequestException ex) => ex.InnerException is System.Security.Authentication.AuthenticationException
        ? new CliException($"server: {http.BaseAddress} presented a certificate this client does not trust ({ex.InnerException.Message}); " +
            "for a MicroSeg silo give its cluster CA with --ca-file, MICROSEG_CA_FILE or the config file's caFile.")
        : new CliException($"server: cannot reach {http.BaseAddress}: {ex.Message} (set --server, MICROSEG_SERVER or the config file).");

    public void Dispose() => http.Dispose();
}
