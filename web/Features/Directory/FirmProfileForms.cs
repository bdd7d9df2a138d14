using System.ComponentModel.DataAnnotations;
using Marketplace.Enterprises.Profiles;

namespace Marketplace.Web.Features.Directory;

/// <summary>The capability profile as a form. Cases are one per line: 标题｜客户｜年份｜成果.</summary>
public sealed class ProfileForm
{
    [Display(Name = "企业名称")] public string? Name { get; set; }
    [Display(Name = "所属行业")] public string? Industry { get; set; }
    [Display(Name = "注册地")] public string? Region { get; set; }
    [Display(Name = "注册资本（万元）")] public decimal RegisteredCapitalWan { get; set; }
    [Display(Name = "员工人数")] public int Employees { get; set; }
    [Display(Name = "关键技术（技术词表）")] public List<string> Technologies { get; set; } = [];
    [Display(Name = "其他标签（逗号分隔）")] public string? FreeTags { get; set; }
    [Display(Name = "企业简介")] public string? Description { get; set; }
    [Display(Name = "主要产品（每行一个）")] public string? Products { get; set; }
    [Display(Name = "过往案例（每行：标题｜客户｜年份｜成果）")] public string? Cases { get; set; }
    [Display(Name = "证书（每行一个）")] public string? Certificates { get; set; }
    [Display(Name = "联系人")] public string? ContactName { get; set; }
    [Display(Name = "联系邮箱")] public string? ContactEmail { get; set; }
    [Display(Name = "联系电话")] public string? ContactPhone { get; set; }
    [Display(Name = "在公开能力清单中展示本企业")] public bool PublicCard { get; set; }

    public static ProfileForm From(EnterpriseProfile p) => new()
    {
        Name = p.Name, Industry = p.Industry, Region = p.Region, RegisteredCapitalWan = p.RegisteredCapitalWan, Employees = p.Employees,
        Technologies = p.Technologies.ToList(), FreeTags = string.Join("，", p.FreeTags ?? []), Description = p.Description,
        Products = string.Join("\n", p.Products ?? []), Certificates = string.Join("\n", p.Certificates ?? []),
        Cases = string.Join("\n", p.Cases.Select(c => string.Join("｜", c.Title, c.Client ?? "", c.Year?.ToString() ?? "", c.Outcome ?? "").TrimEnd('｜'))),
        ContactName = p.ContactName, ContactEmail = p.ContactEmail, ContactPhone = p.ContactPhone, PublicCard = p.PublicCard,
    };

    public ProfileEdit ToEdit() => new(
        Name, Industry, Region, RegisteredCapitalWan, Employees, Technologies, ScenarioForm.SplitList(FreeTags), Description,
        Lines(Products), ParseCases(Cases), Lines(Certificates), ContactName, ContactEmail, ContactPhone, PublicCard);

    private static string[] Lines(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal static IReadOnlyList<EnterpriseCase> ParseCases(string? text) => Lines(text).Select(line =>
    {
        var parts = line.Split(['｜', '|']).Select(p => p.Trim()).ToArray();
        int? year = parts.Length > 2 && int.TryParse(parts[2], out var y) ? y : null;
        return new EnterpriseCase(parts[0], parts.ElementAtOrDefault(1) is { Length: > 0 } client ? client : null, year,
            parts.ElementAtOrDefault(3) is { Length: > 0 } outcome ? outcome : null);
    }).ToList();
}

public sealed class QualificationForm
{
    [Display(Name = "资质类型")] public string? Kind { get; set; }
    [Display(Name = "证书编号或证明材料")] public string? Evidence { get; set; }
    [Display(Name = "有效期至")] public DateOnly? ExpiresOn { get; set; }
}

public sealed class InviteForm
{
    [Display(Name = "受邀人邮箱")] public string? Email { get; set; }
    [Display(Name = "角色")] public string? Role { get; set; }
    [Display(Name = "所属部门")] public string? Department { get; set; }
}
