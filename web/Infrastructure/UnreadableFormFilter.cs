using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// A form body the server cannot read (an empty or truncated multipart body, a malformed boundary) is the sender's
/// mistake and answers 400. Left to MVC, value providers fail, nothing is bound — not even the action's services — and
/// the action runs and fails with a 500.
/// </summary>
public sealed class UnreadableFormFilter : IAsyncResourceFilter
{
    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var request = context.HttpContext.Request;
        var reExecuted = context.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>() is not null;
        if (request.HasFormContentType && !reExecuted)
        {
            try
            {
                await request.ReadFormAsync(context.HttpContext.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                // The API answers ProblemDetails; a page answers 400 and the error page says so.
                context.Result = request.Path.StartsWithSegments("/api")
                    ? new BadRequestObjectResult(new ProblemDetails { Status = 400, Title = "表单内容无法读取，请重新提交。", Detail = e.Message })
                    : new StatusCodeResult(StatusCodes.Status400BadRequest);
                return;
            }
        }
        await next();
    }
}
