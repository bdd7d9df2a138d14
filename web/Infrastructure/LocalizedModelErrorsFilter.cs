using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Rule messages come from the modules in Chinese (they are also the API's problem titles). When a form is shown again
/// with its errors, each message is looked up in the shared resource, so an English page shows English errors; a
/// message with values is read by the format it was made from (<see cref="UiLabels.Message"/>); a message without an
/// entry stays as it is. One place instead of every controller.
/// </summary>
public sealed class LocalizedModelErrorsFilter(UiLabels labels) : IResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is not ViewResult || context.ModelState.ErrorCount == 0) return;
        if (System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName != "en") return;
        foreach (var (_, entry) in context.ModelState)
        {
            if (entry.Errors.Count == 0) continue;
            var messages = entry.Errors.Select(e => e.Exception is null ? labels.Message(e.ErrorMessage) : e.ErrorMessage).ToList();
            entry.Errors.Clear();
            foreach (var m in messages) entry.Errors.Add(new ModelError(m));
        }
    }

    public void OnResultExecuted(ResultExecutedContext context) { }
}
