using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Rule messages come from the modules in Chinese (they are also the API's problem titles). When a form is shown again
/// with its errors, each message is looked up in the shared resource, so an English page shows English errors; a
/// message without an entry stays as it is. One place instead of every controller.
/// </summary>
public sealed class LocalizedModelErrorsFilter(IStringLocalizer<SharedResource> t) : IResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is not ViewResult || context.ModelState.ErrorCount == 0) return;
        if (System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName != "en") return;
        foreach (var (_, entry) in context.ModelState)
        {
            if (entry.Errors.Count == 0) continue;
            var messages = entry.Errors.Select(e => e.Exception is null ? t[e.ErrorMessage].Value : e.ErrorMessage).ToList();
            entry.Errors.Clear();
            foreach (var m in messages) entry.Errors.Add(new ModelError(m));
        }
    }

    public void OnResultExecuted(ResultExecutedContext context) { }
}
