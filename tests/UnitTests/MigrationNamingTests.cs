using Marketplace.BuildingBlocks.Migrations;
using Marketplace.Web.Infrastructure;

namespace Marketplace.UnitTests;

public sealed class MigrationNamingTests
{
    private readonly IReadOnlyList<MigrationScript> _scripts = Database.AllMigrations();

    [Fact]
    public void Migrations_AreFound() => Assert.True(_scripts.Count >= 5);

    [Fact]
    public void Migrations_FollowTheNamingPattern() =>
        Assert.All(_scripts, s => Assert.Matches(MigrationScripts.NamePattern(), s.Name));

    [Fact]
    public void Migrations_AreNumberedOneByOneWithoutGapsOrRepeats() =>
        Assert.Equal(Enumerable.Range(1, _scripts.Count), _scripts.Select(s => s.Number));

    [Fact]
    public void Migrations_NameAModuleWeKnow()
    {
        string[] modules = ["outbox", "enterprises", "scenarios", "accounts", "matching", "notifications", "audit", "monitoring"];
        Assert.All(_scripts, s => Assert.Contains(s.Name.Split('_')[1], modules));
    }
}
