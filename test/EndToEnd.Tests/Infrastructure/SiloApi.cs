using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>The REST API of a running silo, as a user's scripts would call it: with the admin token.</summary>
internal sealed class SiloApi : IDisposable
{
    private readonly HttpClient _http;

    public SiloApi(Uri baseAddress, string adminToken, HttpMessageHandler? handler = null)
    {
        BaseAddress = baseAddress;
        _http = new(handler ?? new SocketsHttpHandler()) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        UseToken(adminToken);
    }

    public Uri BaseAddress { get; }

    /// <summary>The token every request carries.</summary>
    public string Token { get; private set; } = "";

    /// <summary>Sends <paramref name="token"/> from now on (e.g. the new admin token of a silo whose data was lost).</summary>
    public void UseToken(string token)
    {
        Token = token;
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Content = body switch
        {
            null => null,
            HttpContent content => content,
            _ => JsonContent.Create(body),
        };
        return await _http.SendAsync(request, cancellationToken);
    }

    /// <summary>Sends and fails with the problem body when the status is not a success.</summary>
    public async Task<JsonNode?> SendOkAsync(HttpMethod method, string path, object? body = null)
    {
        using var response = await SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    /// <summary>Waits until /healthz answers ok, failing early if the process died.</summary>
    public async Task WaitHealthyAsync(ChildProcess silo, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (silo.HasExited)
                throw new InvalidOperationException($"the silo exited with {silo.ExitCode} during start-up\n{silo.Tail()}");
            try
            {
                using var response = await _http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                    return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the silo was not healthy within {timeout}: {last}\n{silo.Tail()}");
    }

    /// <summary>
    /// Waits until the node's agent is connected and has acknowledged the node's current revision,
    /// i.e. the data plane holds exactly what the control plane computed.
    /// </summary>
    public async Task<JsonNode> WaitConvergedAsync(string node, TimeSpan timeout, params ChildProcess[] logs)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonNode? status = null;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await _http.GetAsync($"/api/v1/nodes/{node}");
            if (response.IsSuccessStatusCode)
            {
                status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                var applied = status["appliedRevision"]?.GetValue<long?>();
                if (status["agentConnected"]!.GetValue<bool>() && applied == status["revision"]!.GetValue<long>()
                    && status["lastAck"]?["missingInterfaces"]?.AsArray().Count == 0)
                    return status;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"node {node} did not converge within {timeout}; last status: {status?.ToJsonString() ?? "none"}\n"
            + string.Join('\n', logs.Select(l => l.Tail())));
    }

    public void Dispose() => _http.Dispose();
}
