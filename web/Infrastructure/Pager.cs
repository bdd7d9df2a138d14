using Marketplace.BuildingBlocks.Paging;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// What the shared pager (Views/Shared/_Pager.cshtml) needs: where the list stands and how to link to another page of
/// it with the current filters and sort kept.
/// </summary>
public sealed record Pager(PageInfo Info, Func<int, string> Href)
{
    /// <summary>A pager whose links are the list's path plus its query string with <c>page</c> set.</summary>
    public static Pager For(PageInfo info, string path, IEnumerable<KeyValuePair<string, string?>> query) => new(info, page =>
    {
        var pairs = query.Where(p => !string.IsNullOrEmpty(p.Value) && p.Key != "page")
            .Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        if (page > 1) pairs.Add($"page={page}");
        return pairs.Count == 0 ? path : path + "?" + string.Join("&", pairs);
    });

    /// <summary>The request's own query string, for lists whose links keep every parameter but the page.</summary>
    public static Pager For(PageInfo info, HttpRequest request) =>
        For(info, request.Path, request.Query.Select(q => new KeyValuePair<string, string?>(q.Key, q.Value.ToString())));
}
