using System.Globalization;
using Marketplace.BuildingBlocks.Results;
using Marketplace.Scenarios.Awards;
using Marketplace.Scenarios.Reviews;

namespace Marketplace.Scenarios.Listings;

/// <summary>
/// The terms of a scenario beyond its text: funding mode, review rubric, milestone template, visibility and the
/// exclusion of recent winners. Defaults and the rules each must meet live here, for every form and the API.
/// </summary>
public static class ScenarioTerms
{
    public static readonly IReadOnlyList<Criterion> DefaultRubric =
        [new("技术方案", 40), new("团队与案例", 20), new("实施计划", 20), new("报价合理性", 20)];

    public static readonly IReadOnlyList<MilestoneTemplate> DefaultMilestones =
        [new("实施方案评审", 30, 0, false), new("试点部署", 90, 0, false), new("验收", 180, 0, true)];

    /// <summary>Funding modes (资金支持方式) officers choose from.</summary>
    public static readonly IReadOnlyList<string> FundingModes = ["财政资金", "场景开放（不涉资金）", "政府购买服务", "以奖代补", "企业自筹", "联合投入"];

    public static IReadOnlyList<Error> Check(
        string? fundingMode, IReadOnlyList<Criterion>? rubric, IReadOnlyList<MilestoneTemplate>? milestones,
        string? visibility, IReadOnlyList<string>? partnerRegions, int excludeWinnersWithinYears)
    {
        var errors = new List<Error>();
        void Check(bool ok, string code, string field, string message)
        {
            if (!ok) errors.Add(Error.Invalid(code, message, field));
        }

        Check(string.IsNullOrEmpty(fundingMode) || FundingModes.Contains(fundingMode), "funding_mode_unknown", "FundingMode",
            $"请选择资金支持方式：{string.Join("、", FundingModes)}");
        if (rubric is not null)
        {
            Check(rubric.Count is >= 1 and <= 10, "rubric_count", "Rubric", "评审细则应有 1–10 项");
            Check(rubric.All(c => c.Name?.Trim().Length is >= 2 and <= 40), "rubric_name", "Rubric", "每项评审指标的名称应为 2–40 个字");
            Check(rubric.All(c => c.Weight is > 0 and <= 100), "rubric_weight", "Rubric", "每项权重应在 1–100 之间");
            Check(rubric.Select(c => c.Name?.Trim()).Distinct().Count() == rubric.Count, "rubric_duplicate", "Rubric", "评审指标不能重名");
            // Weights are shares of the total score: the form shows a running total, and this rule holds for the API too.
            var total = rubric.Sum(c => c.Weight);
            Check(rubric.Count == 0 || total == 100, "rubric_total", "Rubric", $"评审权重合计应为 100（当前为 {total:0.##}）");
        }
        if (milestones is not null)
        {
            Check(milestones.Count is >= 1 and <= 12, "milestones_count", "MilestoneTemplate", "里程碑应有 1–12 个");
            Check(milestones.All(m => m.Title?.Trim().Length is >= 2 and <= 60), "milestone_title", "MilestoneTemplate", "每个里程碑的名称应为 2–60 个字");
            Check(milestones.All(m => m.OffsetDays is >= 1 and <= 1825), "milestone_offset", "MilestoneTemplate", "里程碑时限应为揭榜后 1–1825 天");
            Check(milestones.Zip(milestones.Skip(1)).All(p => p.First.OffsetDays < p.Second.OffsetDays), "milestone_order", "MilestoneTemplate",
                "里程碑应按时间先后排列，时限逐个递增");
            Check(milestones.All(m => m.TrancheWan >= 0), "milestone_tranche", "MilestoneTemplate", "拨付金额不能为负");
        }
        var v = visibility ?? ScenarioVisibility.Public;
        Check(v is ScenarioVisibility.Public or ScenarioVisibility.Partners, "visibility_unknown", "Visibility", "请选择公开范围");
        var partners = partnerRegions ?? [];
        Check(partners.All(ScenarioVisibility.PartnerRegions.Contains), "partner_region_unknown", "PartnerRegions",
            $"协同区域只能是：{string.Join("、", ScenarioVisibility.PartnerRegions)}");
        Check(v != ScenarioVisibility.Partners || partners.Count > 0, "partner_regions_required", "PartnerRegions", "仅向协同区域公开时，请至少选择一个区域");
        Check(excludeWinnersWithinYears is >= 0 and <= 10, "exclude_winners_years", "ExcludeWinnersWithinYears", "排除近年揭榜企业的年限应为 0–10 年");
        return errors;
    }

    /// <summary>Rubric lines "名称:权重" (or with ：/，/空格), one per line. Returns null with an error for a line it cannot read.</summary>
    public static (IReadOnlyList<Criterion>? Rubric, Error? Error) ParseRubric(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, null);
        var result = new List<Criterion>();
        foreach (var (line, n) in Lines(text))
        {
            var parts = line.Split([':', '：', ',', '，', ' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !decimal.TryParse(parts[1].TrimEnd('%', '分'), NumberStyles.Number, CultureInfo.InvariantCulture, out var weight))
                return (null, Error.Invalid("rubric_line", $"评审细则第 {n} 行应写成“指标名称:权重”，如“技术方案:40”", "Rubric"));
            result.Add(new Criterion(parts[0], weight));
        }
        return (result, null);
    }

    /// <summary>Milestone lines "名称|天数|拨付万元|验收", the last two optional; the last line is always the final acceptance.</summary>
    public static (IReadOnlyList<MilestoneTemplate>? Milestones, Error? Error) ParseMilestones(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, null);
        var lines = Lines(text).ToList();
        var result = new List<MilestoneTemplate>();
        foreach (var (line, n) in lines)
        {
            var parts = line.Split(['|', '｜'], StringSplitOptions.TrimEntries);
            decimal tranche = 0;
            if (parts.Length is < 2 or > 4 || !int.TryParse(parts[1].TrimEnd('天'), out var days)
                || (parts.Length >= 3 && parts[2].Length > 0 && !decimal.TryParse(parts[2], NumberStyles.Number, CultureInfo.InvariantCulture, out tranche)))
                return (null, Error.Invalid("milestone_line", $"里程碑第 {n} 行应写成“名称|揭榜后天数|拨付万元”，如“试点部署|90|50”", "MilestoneTemplate"));
            var final = n == lines.Count || (parts.Length == 4 && parts[3] is "验收" or "final");
            result.Add(new MilestoneTemplate(parts[0], days, tranche, final));
        }
        return (result, null);
    }

    public static string FormatRubric(IEnumerable<Criterion> rubric) =>
        string.Join('\n', rubric.Select(c => $"{c.Name}:{c.Weight.ToString("0.##", CultureInfo.InvariantCulture)}"));

    public static string FormatMilestones(IEnumerable<MilestoneTemplate> steps) =>
        string.Join('\n', steps.Select(m => $"{m.Title}|{m.OffsetDays}|{m.TrancheWan.ToString("0.##", CultureInfo.InvariantCulture)}" + (m.Final ? "|验收" : "")));

    private static IEnumerable<(string Line, int Number)> Lines(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Select((l, i) => (l, i + 1));
}
