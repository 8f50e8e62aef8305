global using MicroSeg.Runtime.TestingHost;
global using MicroSeg.Testing;

namespace MicroSeg.Runtime.Tests.Infrastructure;

/// <summary>Tests that need PostgreSQL share one server (and so run one at a time).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
