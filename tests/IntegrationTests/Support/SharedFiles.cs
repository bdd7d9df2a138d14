namespace Marketplace.IntegrationTests.Support;

/// <summary>Files of ../shared (specs, data sets) beside the repository; tests skip with the reason where absent.</summary>
public static class SharedFiles
{
    public static string? Path(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Marketplace.sln"))) dir = dir.Parent;
        if (dir is null) return null;
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine([dir.FullName, "..", "shared", .. parts]));
        return File.Exists(path) || Directory.Exists(path) ? path : null;
    }

    public const string MeilisearchSpec = "specs/meilisearch/meilisearch-openapi.json";
}

public sealed class SharedFileFactAttribute : FactAttribute
{
    public SharedFileFactAttribute(string relativePath)
    {
        // Under CI the shared files are part of the run: a missing one fails the test instead of skipping it.
        if (SharedFiles.Path(relativePath.Split('/')) is null && !TestServers.IsCi)
            Skip = $"../shared/{relativePath} is not beside the repository; this test reads it.";
    }
}
