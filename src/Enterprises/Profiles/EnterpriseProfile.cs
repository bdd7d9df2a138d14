namespace Marketplace.Enterprises.Profiles;

public sealed record EnterpriseCase(string Title, string? Client = null, int? Year = null, string? Outcome = null);

/// <summary>A firm as the directory keeps it: identity, standing, and what it can do (能力清单).</summary>
/// <param name="Qualifications">The verified, unexpired qualifications: what matching and eligibility use.</param>
/// <param name="PublicCard">The firm opted into the public capability list.</param>
public sealed record EnterpriseProfile(
    Guid Id,
    string Name,
    string CreditCode,
    string Industry,
    string Region,
    IReadOnlyList<string> Qualifications,
    decimal RegisteredCapitalWan,
    int Employees,
    IReadOnlyList<string> Technologies,
    string Description,
    IReadOnlyList<EnterpriseCase> Cases,
    string? ContactEmail,
    IReadOnlyList<string>? Products = null,
    IReadOnlyList<string>? Certificates = null,
    IReadOnlyList<string>? FreeTags = null,
    string? ContactName = null,
    string? ContactPhone = null,
    bool PublicCard = false,
    DateOnly? SuspendedUntil = null,
    string? SuspendedReason = null);

/// <summary>The fixed lists the directory uses (the district plan's six industries, the regions, the qualifications).</summary>
public static class DirectoryLists
{
    public static readonly IReadOnlyList<string> Industries = ["数字经济", "现代金融", "先进制造", "商务服务", "文化旅游", "现代种业"];

    public static readonly IReadOnlyList<string> Qualifications = ["高新技术企业", "专精特新", "专精特新小巨人", "科技型中小企业", "上市企业"];

    public static readonly IReadOnlyList<string> TongzhouTowns =
    [
        "北苑街道", "中仓街道", "新华街道", "玉桥街道", "潞源街道", "通运街道", "文景街道", "九棵树街道", "临河里街道", "杨庄街道",
        "潞邑街道", "永顺镇", "梨园镇", "宋庄镇", "张家湾镇", "漷县镇", "马驹桥镇", "西集镇", "台湖镇", "永乐店镇", "潞城镇", "于家务乡",
    ];

    public static readonly IReadOnlyList<string> RegionGroups = ["通州区", "北三县", "雄安新区", "北京其他区", "外省市"];

    /// <summary>"通州区·宋庄镇", "北三县·三河市", "雄安新区", "北京其他区·海淀区", "外省市·上海市浦东新区".</summary>
    public static string? CheckRegion(string? region)
    {
        if (string.IsNullOrWhiteSpace(region)) return "请填写注册地";
        var parts = region.Split('·');
        if (!RegionGroups.Contains(parts[0])) return "注册地应以 通州区、北三县、雄安新区、北京其他区 或 外省市 开头";
        if (parts[0] == "通州区" && (parts.Length != 2 || !TongzhouTowns.Contains(parts[1]))) return "通州区的注册地应写明街道或乡镇，如“通州区·宋庄镇”";
        if (parts[0] == "北三县" && (parts.Length != 2 || parts[1] is not ("三河市" or "大厂回族自治县" or "香河县"))) return "北三县应为 三河市、大厂回族自治县 或 香河县";
        if (parts[0] is "北京其他区" or "外省市" && (parts.Length != 2 || parts[1].Length < 2)) return $"请写明{parts[0]}的具体区县，如“{parts[0]}·…”";
        return null;
    }
}
