using System.Net;
using MicroSeg.Cli.Connection;

namespace MicroSeg.Cli.Tests.Connection;

/// <summary>Where the server and token come from, and that the token reaches the wire as a bearer header.</summary>
public sealed class ServerSettingsTests : IDisposable
{
    private readonly string _config = Path.Combine(Directory.CreateTempSubdirectory("microsegctl-config-").FullName, "config.json");

    [Fact]
    public void Flag_Wins_OverEnvironment_AndConfigFile()
    {
        File.WriteAllText(_config, """{"server":"http://file:1","token":"from-file"}""");
        var settings = ServerSettings.Resolve("http://flag:3", "from-flag", Env(("MICROSEG_SERVER", "http://env:2"), ("MICROSEG_TOKEN", "from-env")));
        Assert.Equal(new Uri("http://flag:3"), settings.Server);
        Assert.Equal("from-flag", settings.Token);
    }

    [Fact]
    public void Environment_Wins_OverConfigFile()
    {
        File.WriteAllText(_config, """{"server":"http://file:1","token":"from-file"}""");
        var settings = ServerSettings.Resolve(null, null, Env(("MICROSEG_SERVER", "http://env:2"), ("MICROSEG_TOKEN", "from-env")));
        Assert.Equal(new Uri("http://env:2"), settings.Server);
        Assert.Equal("from-env", settings.Token);
    }

    [Fact]
    public void ConfigFile_IsUsed_WhenNothingElseIsSet()
    {
        File.WriteAllText(_config, """{"server":"http://file:1","token":"from-file"}""");
        var settings = ServerSettings.Resolve(null, null, Env());
        Assert.Equal(new Uri("http://file:1"), settings.Server);
        Assert.Equal("from-file", settings.Token);
    }

    [Fact]
    public void Default_IsTheEmbeddedSilosPort_WithoutToken()
    {
        var settings = ServerSettings.Resolve(null, null, Env());
        Assert.Equal(new Uri("http://127.0.0.1:8080"), settings.Server);
        Assert.Null(settings.Token);
    }

    [Fact]
    public void BadServer_And_BadConfigFile_AreNamed()
    {
        Assert.Contains("server: 'ftp://x'", Assert.Throws<CliException>(() => ServerSettings.Resolve("ftp://x", null, Env())).Message);
        File.WriteAllText(_config, "{not json");
        Assert.Contains(_config, Assert.Throws<CliException>(() => ServerSettings.Resolve(null, null, Env())).Message);
    }

    [Fact]
    public async Task Token_IsSentAsBearer_AndOmittedWithoutOne()
    {
        var seen = new RecordingHandler();
        using (var client = ApiClient.Create(new ServerSettings(new Uri("http://127.0.0.1:1"), "s3cret"), seen))
            await client.GetAsync("api/v1/nodes", CancellationToken.None);
        Assert.Equal("Bearer s3cret", seen.Authorization);
        Assert.Equal("http://127.0.0.1:1/api/v1/nodes", seen.Uri);

        using (var client = ApiClient.Create(new ServerSettings(new Uri("http://127.0.0.1:1"), null), seen))
            await client.GetAsync("api/v1/nodes", CancellationToken.None);
        Assert.Null(seen.Authorization);
    }

    private CliEnvironment Env(params (string Name, string Value)[] variables) =>
        new(TextWriter.Null, TextWriter.Null, name => variables.FirstOrDefault(v => v.Name == name).Value, _config);

    /// <summary>Unit-test handler: records the request and answers an empty list.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public string? Authorization { get; private set; }

        public string? Uri { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorization = request.Headers.Authorization?.ToString();
            Uri = request.RequestUri?.ToString();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("[]") });
        }
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_config)!, recursive: true);
}
