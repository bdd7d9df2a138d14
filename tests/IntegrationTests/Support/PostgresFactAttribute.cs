namespace Marketplace.IntegrationTests.Support;

/// <summary>
/// A test that needs the throwaway PostgreSQL server the test command starts (MARKETPLACE_TEST_PG). Without it the
/// test is skipped with the reason locally, and fails under CI=true, where a skipped database test would hide a gap.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestServers.AdminConnectionString is null && !TestServers.IsCi)
            Skip = "No PostgreSQL server: set MARKETPLACE_TEST_PG (infra/test does) to run integration tests.";
    }

    /// <summary>A file of ../shared the test reads; absent, the test is skipped with that reason.</summary>
    public string? SharedFile
    {
        get => null;
        init
        {
            if (value is not null && Skip is null && SharedFiles.Path(value.Split('/')) is null)
                Skip = $"../shared/{value} is not beside the repository; this test reads it.";
        }
    }
}

/// <summary>A browser test: needs PostgreSQL and Debian's Chromium at /usr/bin/chromium (or CHROMIUM_PATH).</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (TestServers.IsCi) return;
        if (TestServers.AdminConnectionString is null)
            Skip = "No PostgreSQL server: set MARKETPLACE_TEST_PG (infra/test does) to run browser tests.";
        else if (!File.Exists(TestServers.ChromiumPath))
            Skip = $"Chromium not found at {TestServers.ChromiumPath}: apt-get install chromium fonts-wqy-microhei.";
    }
}

/// <summary>A browser test run once per row of data (a size, a language): skipped or failed like <see cref="BrowserFactAttribute"/>.</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute() => Skip = new BrowserFactAttribute().Skip;
}

public static class TestServers
{
    public static string? AdminConnectionString => Environment.GetEnvironmentVariable("MARKETPLACE_TEST_PG") is { Length: > 0 } cs ? cs : null;
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    public static string RequireAdminConnectionString() => AdminConnectionString
        ?? throw new InvalidOperationException("CI=true but MARKETPLACE_TEST_PG is not set: the test command must start PostgreSQL.");
}
