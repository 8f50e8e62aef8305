using System.IO.Pipelines;
using MicroSeg.Grains.Interfaces.Access;
using Microsoft.AspNetCore.Connections;
using Orleans.Connections.Security;

namespace MicroSeg.Silo.Security.Connections;

/// <summary>
/// Connection middleware for Orleans' inbound connections, after its TLS middleware: records the connection in
/// <see cref="PeerConnections"/> with the certificate the peer authenticated with, and notes every read that brings bytes.
/// </summary>
internal static class PeerConnectionTracking
{
    public static IConnectionBuilder UsePeerTracking(this IConnectionBuilder builder, string port, bool closesWhenIdle)
    {
        var connections = builder.ApplicationServices.GetRequiredService<PeerConnections>();
        return builder.Use(next => async context =>
        {
            var certificate = context.Features.Get<ITlsConnectionFeature>()?.RemoteCertificate;
            var holder = certificate is null ? null : ClusterCertificate.Holder(certificate) is { } h ? $"{h.Role}/{h.Name}" : certificate.Subject;
            var tracked = connections.Add(context, port, certificate?.SerialNumber, holder, closesWhenIdle);
            var transport = context.Transport;
            context.Transport = new Pipe(new ActivityPipeReader(transport.Input, tracked, connections.Time), transport.Output);
            try
            {
                await next(context);
            }
            finally
            {
                connections.Remove(tracked);
            }
        });
    }

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
