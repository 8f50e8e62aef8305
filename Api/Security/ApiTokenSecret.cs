using System.Security.Cryptography;
using System.Text;

namespace MicroSeg.Api.Security;

/// <summary>
/// API token secrets: 256 random bits, written "mst_" + base64url so they are recognisable in a leak scan.
/// Only the SHA-256 of a secret is stored: a secret has full entropy, so a slow password hash adds nothing.
/// </summary>
public static class ApiTokenSecret
{
    /// <summary>Prefix of every MicroSeg token secret.</summary>
    public const string Prefix = "mst_";

    /// <summary>A new random secret.</summary>
    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of a secret: lower-case hex SHA-256.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
