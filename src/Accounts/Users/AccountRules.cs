using System.Net.Mail;
using Marketplace.BuildingBlocks.Results;

namespace Marketplace.Accounts.Users;

/// <summary>What a password and a person's email and name must be like; each rule gives the field it is about.</summary>
public static class AccountRules
{
    public static IReadOnlyList<Error> CheckPassword(string? password, string field = "Password")
    {
        if (password is null || password.Length < 10 || !password.Any(char.IsLetter) || !password.Any(char.IsDigit))
            return [Error.Invalid("password_weak", "密码至少 10 位，且须同时包含字母和数字", field)];
        return password.Length > 128 ? [Error.Invalid("password_long", "密码不超过 128 位", field)] : [];
    }

    public static IReadOnlyList<Error> CheckPerson(string? email, string? displayName)
    {
        var errors = new List<Error>();
        if (string.IsNullOrWhiteSpace(email) || !MailAddress.TryCreate(email.Trim(), out var parsed) || parsed.Address != email.Trim())
            errors.Add(Error.Invalid("email_invalid", "请填写有效的邮箱", "Email"));
        if (displayName?.Trim().Length is not (>= 2 and <= 40)) errors.Add(Error.Invalid("name_length", "姓名应为 2–40 个字", "DisplayName"));
        return errors;
    }
}
