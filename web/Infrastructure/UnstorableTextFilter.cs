using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// Text PostgreSQL cannot store — a NUL character, or half of a UTF-16 surrogate pair — is refused before any action
/// runs: the database would reject it mid-statement and the sender would meet a 500 instead of being told. Every bound
/// argument is walked (strings, lists, and the properties of the product's own request types), and the first bad field
/// is named: the API answers a 400 problem with the field, a page answers 400.
/// </summary>
public sealed class UnstorableTextFilter : IAsyncActionFilter
{
    private const int MaxDepth = 4;
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        foreach (var (name, value) in context.ActionArguments)
        {
            if (FindUnstorable(value, name, 0) is not { } field) continue;
            const string message = "含有无法保存的字符（NUL 或不成对的代理字符），请删除后重新提交。";
            if (context.HttpContext.Request.Path.StartsWithSegments("/api"))
            {
                context.ModelState.AddModelError(field, message);
                context.Result = new BadRequestObjectResult(new ValidationProblemDetails(context.ModelState) { Status = 400, Title = "输入含有无法保存的字符。" });
            }
            else
            {
                context.Result = new StatusCodeResult(StatusCodes.Status400BadRequest);
            }
            return;
        }
        await next();
    }

    /// <summary>The path of the first string that cannot be stored, or null.</summary>
    internal static string? FindUnstorable(object? value, string path, int depth)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return IsStorable(s) ? null : path;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                    if ((FindUnstorable(entry.Key, path, depth + 1) ?? FindUnstorable(entry.Value, $"{path}[{entry.Key}]", depth + 1)) is { } bad) return bad;
                return null;
            case IEnumerable items when depth < MaxDepth:
                var i = 0;
                foreach (var item in items)
                    if (FindUnstorable(item, $"{path}[{i++}]", depth + 1) is { } bad) return bad;
                return null;
        }
        var type = value.GetType();
        // Only the product's own request types are walked: framework objects (files, streams, tokens) hold no user text.
        if (depth >= MaxDepth || type.IsPrimitive || type.IsEnum || !(type.Namespace?.StartsWith("Marketplace", StringComparison.Ordinal) ?? false)) return null;
        foreach (var p in Properties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToArray()))
            if (FindUnstorable(p.GetValue(value), $"{path}.{p.Name}", depth + 1) is { } bad) return bad;
        return null;
    }

    internal static bool IsStorable(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\0') return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c)) return false;
        }
        return true;
    }
}
