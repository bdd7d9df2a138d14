using Marketplace.BuildingBlocks.Time;
namespace Marketplace.Web.Infrastructure;

/// <summary>Chinese display names of codes stored in English.</summary>
public static class Labels
{
    public static string Status(string status) => status switch
    {
        "draft" => "草稿",
        "submitted" => "待审核",
        "published" => "张榜中",
        "closed" => "已截止",
        "reviewing" => "评审中",
        "publicity" => "公示中",
        "awarded" => "已挂帅",
        "in_delivery" => "实施中",
        "landed" => "已落地",
        "rejected" => "不予发布",
        "withdrawn" => "已撤回",
        "cancelled" => "流标",
        "terminated" => "已终止",
        _ => status,
    };

    public static string Category(string category) => Marketplace.Scenarios.Listings.ScenarioCategory.Name(category);

    public static string Verdict(string? verdict) => verdict switch
    {
        "continue" => "继续", "scale_up" => "扩大", "stop" => "终止", "merge" => "合并", "accepted" => "验收通过", null => "", _ => verdict,
    };

    public static string AwardStatus(string status) => status switch
    {
        "active" => "实施中", "stopped" => "已终止", "merged" => "已合并", "accepted" => "已验收", _ => status,
    };

    public static string ApplicationStatus(string status) => status switch
    {
        "draft" => "草稿（未提交）",
        "awaiting_consortium" => "待联合体成员确认（尚未计为提交）",
        "submitted" => "已提交",
        "withdrawn" => "已撤回",
        "eligible" => "资格审查通过",
        "ineligible" => "资格审查未通过",
        "shortlisted" => "入围",
        "awarded" => "揭榜成功",
        "not_awarded" => "未入选",
        _ => status,
    };

    public static string Size(int bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / 1024.0 / 1024.0:0.#} MB",
    };

    public static string Visibility(string visibility, IReadOnlyList<string> partners) =>
        visibility == "partners" ? "仅通州区及协同区域：" + string.Join("、", partners) : "向社会公开";

    public static string Mode(string mode) => mode == "horse_race" ? "赛马" : "揭榜挂帅";


    public static string Time(DateTimeOffset t) => t.ToOffset(BeijingCalendar.Offset).ToString("yyyy-MM-dd HH:mm");

    public static string Money(decimal wan) => wan == 0 ? "面议" : $"{wan:0.##} 万元";
}
