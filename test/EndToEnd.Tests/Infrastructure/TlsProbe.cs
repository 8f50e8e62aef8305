using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>Raw TLS connections to a silo's Orleans ports: what the port accepts, and whether it closes a connection.</summary>
internal static class TlsProbe
{
    /// <summary>A refused connection gets its alert within milliseconds of the handshake; one still open after this was accepted.</summary>
    private static readonly TimeSpan AcceptedAfter = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Whether the port keeps a TLS connection that presented <paramref name="certificate"/> (or none). SslStream
    /// checks a client certificate after the handshake and then sends an alert and closes, so the verdict is whether
    /// the connection is closed within a few seconds of the handshake; an accepted one stays open, waiting for Orleans' preamble.
    /// </summary>
    public static async Task<bool> HandshakeAsync(int port, X509Certificate2? certificate)
    {
        await using var open = await OpenAsync(port, certificate);
        if (open is null)
            return false;
        try
        {
            using var wait = new CancellationTokenSource(AcceptedAfter);
            var read = await open.ReadAsync(new byte[1], wait.Token);
            return read != 0;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>A finished TLS handshake presenting <paramref name="certificate"/>, or null when the port refused it during the handshake.</summary>
    public static async Task<SslStream?> OpenAsync(int port, X509Certificate2? certificate)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
                LocalCertificateSelectionCallback = certificate is null ? null : (_, _, _, _, _) => certificate,
                // The probe checks what the server accepts, not who the server is.
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, timeout.Token);
            return tls;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await tls.DisposeAsync();
            tcp.Dispose();
            return null;
        }
    }

    /// <summary>True when the peer closes (or resets) the connection within <paramref name="deadline"/>; any bytes it sends first must be a TLS alert, never data.</summary>
    public static async Task<bool> ReadsToCloseAsync(Stream stream, TimeSpan deadline, bool rawTcp = true)
    {
        using var timeout = new CancellationTokenSource(deadline);
        var buffer = new byte[4096];
        var first = rawTcp;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                    return true;
                if (first && buffer[0] != 0x15) // TLS alert record
                    return false;
                first = false;
            }
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
