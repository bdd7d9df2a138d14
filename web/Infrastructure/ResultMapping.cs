using Marketplace.BuildingBlocks.Results;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Marketplace.Web.Infrastructure;

/// <summary>The one place that turns expected rejections into HTTP: ProblemDetails for the API, ModelState for forms.</summary>
public static class ResultMapping
{
    public static IActionResult Problem(this ControllerBase controller, IReadOnlyList<Error> errors)
    {
        var first = errors[0];
        var status = first.Kind switch
        {
            ErrorKind.NotFound => StatusCodes.Status404NotFound,
            ErrorKind.Conflict => StatusCodes.Status409Conflict,
            ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        var problem = new ValidationProblemDetails(errors
            .GroupBy(e => JsonName(e.Field ?? ""))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()))
        {
            Status = status,
            Title = first.Message,
            Type = $"https://marketplace.local/problems/{first.Code}",
        };
        problem.Extensions["code"] = first.Code;
        problem.Extensions["codes"] = errors.Select(e => e.Code).ToArray();
        return new ObjectResult(problem) { StatusCode = status, ContentTypes = { "application/problem+json" } };
    }

    public static void AddTo(this IReadOnlyList<Error> errors, ModelStateDictionary modelState, string prefix = "")
    {
        foreach (var e in errors)
            modelState.AddModelError(e.Field is null ? string.Empty : prefix + e.Field, e.Message);
    }

    /// <summary>
    /// A form post's answer: back to its page with a message. A rejection saying the object is not there or not the
    /// caller's answers 404/403 as the API does, so a page never hints at what belongs to someone else.
    /// </summary>
    public static IActionResult Flash<T>(this Controller controller, Result<T> result, Func<T, string> done, IActionResult back)
    {
        if (!result.IsSuccess && result.FirstError.Kind == ErrorKind.NotFound) return controller.NotFound();
        if (!result.IsSuccess && result.FirstError.Kind == ErrorKind.Forbidden) return controller.Forbid();
        controller.TempData[result.IsSuccess ? "Flash" : "Error"] = result.IsSuccess
            ? done(result.Value)
            : string.Join("；", result.Errors.Select(e => e.Message));
        return back;
    }

    private static string JsonName(string field) => field.Length == 0 ? "" : char.ToLowerInvariant(field[0]) + field[1..];
}
