using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Infrastructure;

public sealed record ErrorPage(int Status, string Title, string Message);

/// <summary>The one error page for HTML, and ProblemDetails when the failing request was for the API.</summary>
[ApiExplorerSettings(IgnoreApi = true)]
public sealed class ErrorController : Controller
{
    [Route("error/{status:int}")]
    public IActionResult Show()
    {
        // Read from the route, not bound as a parameter: binding reads the failed request's form too, and a form that could
        // not be read (the reason some requests end here) would leave the status unbound.
        var status = int.TryParse(RouteData.Values["status"]?.ToString(), out var s) ? s : 500;
        var originalPath = HttpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path
                           ?? HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath
                           ?? "";
        var error = HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error;
        var searchDown = status == 500 && IsSearchUnavailable(error);
        if (status == 500 && (searchDown || Marketplace.BuildingBlocks.Data.DatabaseAvailability.IsUnavailable(error)))
        {
            // The database is restarting or unreachable, or search is (index rebuilding, Meilisearch away): a clean
            // "try again shortly", not a server error.
            status = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "5";
        }
        if (HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error is Microsoft.AspNetCore.Http.BadHttpRequestException bad)
            status = bad.StatusCode; // a body over the size limit (413) or a malformed request: the client's error, not ours
        var (title, message) = status switch
        {
            413 => ("请求内容过大", "提交的内容超过了允许的大小，请删减后重试。"),
            503 when searchDown => ("搜索暂时不可用", "搜索服务正在恢复（索引重建中或搜索服务器暂时无法连接），请稍后重试。浏览场景、申报和企业资料等其他功能不受影响。"),
            503 => ("服务暂时不可用", "数据服务正在恢复，请几秒钟后刷新重试，您填写的内容未提交。"),
            404 => ("页面不存在", "您访问的页面不存在或已被移除。"),
            403 => ("无权访问", "您的账号没有访问此页面的权限。"),
            400 or 422 => ("请求有误", "请求内容不正确，请检查后重试。"),
            _ => ("服务暂时不可用", "系统出现了问题，我们已记录。请稍后再试。"),
        };
        if (originalPath.StartsWith("/api", StringComparison.Ordinal))
            return Problem(statusCode: status, title: title, type: status == 413 ? "https://marketplace.local/problems/body_too_large" : null,
                detail: searchDown ? "search_unavailable" : null);
        Response.StatusCode = status;
        return View("Error", new ErrorPage(status, title, message));
    }

    private static bool IsSearchUnavailable(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is Marketplace.Matching.Search.SearchUnavailableException) return true;
        return false;
    }
}
