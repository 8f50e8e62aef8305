using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MicroSeg.Silo.Security.Certificates;

/// <summary>
/// The secret that the silos of one cluster, and nobody else, know: <see cref="ClusterCallProofFilter"/> puts it in the
/// request context of every call a silo makes to a grain, and <see cref="CallerCredentialFilter"/> believes a call's
/// in-cluster sender (a grain, a system target, a silo's hosted client) only when the call carries it. Orleans' gateway
/// takes the sender id a client writes in a message as it is, so without this a client could name a grain as sender
/// and pass as a call made inside the cluster. The value travels only on silo-to-silo links (TLS, silo certificates
/// only) and inside a silo: it is never put on calls to clients, and a client-supplied value is removed.
/// </summary>
/// <remarks>
/// Embedded mode: a random value per process (one silo). Cluster mode: the row of <c>MicroSegClusterSecret</c>, created
/// once with the PostgreSQL schema (deploy/sql/postgresql/70-cluster-secret.sql): every silo already reads and writes
/// that database and is trusted with it, while agents and operators' grain clients never reach it.
/// </remarks>
internal sealed class ClusterCallProof
{
    /// <summary>Request-context key the proof travels under.</summary>
    public const string RequestContextKey = "microseg.cluster";

    /// <summary>Bytes of secret: 256 bits from a CSPRNG (the cluster row is two random UUIDs, 244 random bits).</summary>
    internal const int MinimumBytes = 30;

    private ClusterCallProof(string value) => Value = value;

    /// <summary>The value put in the request context (base64 of the secret).</summary>
    public string Value { get; }

    /// <summary>A new random proof, for a silo that is its own cluster (embedded mode).</summary>
    public static ClusterCallProof CreateRandom() => new(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    /// <summary>The proof from the cluster's shared secret.</summary>
    public static ClusterCallProof FromSecret(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < MinimumBytes)
            throw new InvalidOperationException($"The cluster secret has {secret.Length} bytes; at least {MinimumBytes} are needed.");
        return new(Convert.ToBase64String(secret));
    }

    /// <summary>Whether <paramref name="presented"/> is this cluster's proof, compared in constant time so a caller learns nothing from how long a refusal takes.</summary>
    public bool Matches(object? presented) =>
        presented is string text && text.Length == Value.Length
        && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(text.AsSpan()), MemoryMarshal.AsBytes(Value.AsSpan()));

    /// <summary>
    /// Whether a call to <paramref name="target"/> stays inside the silos: a grain or a silo's system target (Orleans' own
    /// services, which exist only in silos), not a client (an observer).
    /// </summary>
    public static bool StaysInCluster(GrainId target) => !target.IsClient();
}
