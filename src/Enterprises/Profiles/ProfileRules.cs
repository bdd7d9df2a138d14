using System.Net.Mail;
using Marketplace.BuildingBlocks.Results;

namespace Marketplace.Enterprises.Profiles;

/// <summary>The rules a firm's profile must meet, each failure tied to its field.</summary>
public static class ProfileRules
{
    public static IReadOnlyList<Error> Check(EnterpriseProfile p, IReadOnlySet<string>? vocabulary, int currentYear)
    {
        var errors = new List<Error>();
        void Fail(string code, string field, string message) => errors.Add(Error.Invalid(code, message, field));

        if (p.Name.Trim().Length is < 2 or > 100) Fail("name_length", nameof(p.Name), "企业名称应为 2–100 个字");
        if (CreditCode.Describe(p.CreditCode) is { } codeProblem) Fail("credit_code_invalid", nameof(p.CreditCode), codeProblem);
        if (!DirectoryLists.Industries.Contains(p.Industry)) Fail("industry_unknown", nameof(p.Industry), $"请选择所属行业：{string.Join("、", DirectoryLists.Industries)}");
        if (DirectoryLists.CheckRegion(p.Region) is { } regionProblem) Fail("region_invalid", nameof(p.Region), regionProblem);
        if (p.RegisteredCapitalWan is < 0 or > 100_000_000) Fail("capital_range", nameof(p.RegisteredCapitalWan), "注册资本应在 0 至 1 万亿元之间（按万元填写，最多 100000000）");
        if (p.Employees is < 0 or > 2_000_000) Fail("employees_range", nameof(p.Employees), "员工人数应在 0–200 万之间");
        if (p.Technologies.Count > 15) Fail("technologies_count", nameof(p.Technologies), "关键技术最多 15 项");
        if (vocabulary is not null && p.Technologies.FirstOrDefault(t => !vocabulary.Contains(t)) is { } unknown)
            Fail("technology_unknown", nameof(p.Technologies), $"“{unknown}”不在技术词表中；词表外的能力请填在“其他标签”");
        if ((p.FreeTags ?? []).Count > 20 || (p.FreeTags ?? []).Any(t => t.Length > 20)) Fail("tags_invalid", nameof(p.FreeTags), "其他标签最多 20 个，每个不超过 20 字");
        if (p.Description.Length > 3000) Fail("description_length", nameof(p.Description), "企业简介不超过 3000 字");
        foreach (var c in p.Cases)
        {
            if (string.IsNullOrWhiteSpace(c.Title)) { Fail("case_title", nameof(p.Cases), "每个案例都需要标题"); break; }
            if (c.Year is { } y && (y < 1980 || y > currentYear + 1)) { Fail("case_year", nameof(p.Cases), $"案例年份应在 1980–{currentYear + 1} 之间"); break; }
        }
        if (!string.IsNullOrWhiteSpace(p.ContactEmail) && !MailAddress.TryCreate(p.ContactEmail, out _))
            Fail("contact_email_invalid", nameof(p.ContactEmail), "联系邮箱格式不正确");
        if (!string.IsNullOrWhiteSpace(p.ContactPhone) && !IsPhone(p.ContactPhone))
            Fail("contact_phone_invalid", nameof(p.ContactPhone), "联系电话格式不正确：请填写手机号（如 13800138000）或带区号的座机（如 010-81234567，分机可写“转 123”）");
        return errors;
    }

    /// <summary>
    /// A phone number a person can dial: a mainland mobile (11 digits starting 1), a landline with area code, or an
    /// international number with +; spaces, dashes and brackets allowed, an extension after “转”/“ext”. 7–15 digits.
    /// </summary>
    public static bool IsPhone(string text)
    {
        var t = text.Trim();
        var ext = System.Text.RegularExpressions.Regex.Match(t, @"^(.*?)\s*(?:转|分机|ext\.?|x)\s*(\d{1,6})$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        if (ext.Success) t = ext.Groups[1].Value;
        if (!System.Text.RegularExpressions.Regex.IsMatch(t, @"^\+?[0-9(][0-9 ()\-]*[0-9]$")) return false;
        var digits = t.Count(char.IsAsciiDigit);
        return digits is >= 7 and <= 15;
    }
}
