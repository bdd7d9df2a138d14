using System.Text.RegularExpressions;
using Marketplace.Matching.Documents;

namespace Marketplace.Matching.Recommendations;

/// <summary>A conflict or a match between what a scenario demands of delivery and what a firm says of itself.</summary>
public sealed record FitSignal(double Value, string Reason);

/// <summary>
/// Delivery fit beyond shared vocabulary. Government scenarios state how a solution must be delivered (data kept in the
/// government or sector network, no commercial use of personal data), and the 揭榜挂帅 process looks for firms that
/// solve the problem themselves. Firms say how they deliver (public-cloud SaaS billed per year or per call, private
/// deployment). A firm whose way of delivering contradicts the scenario shares its words but cannot take it on as
/// described; one that states the required way fits better than its words alone show. Who a firm is (a tester, a
/// consultant, a reseller…) is the <see cref="RoleModel"/>'s part.
/// </summary>
public static partial class DeliveryFit
{
    /// <summary>The scenario keeps data inside its own network or premises.</summary>
    [GeneratedRegex("(政务网|政务外网|政务内网|政务云|专网|内网|本地|私有云|机房)[^。；]{0,8}(存储|部署|运行)|(存储|部署|运行)在?[^。；]{0,6}(政务网|政务外网|政务内网|政务云|专网|内网|本地|私有云|机房)|私有化部署|本地化部署|数据不出")]
    private static partial Regex OnPremiseDemand();

    /// <summary>The scenario forbids commercial use of the data it collects.</summary>
    [GeneratedRegex("不得用于商业|不得用于营销|禁止商业|不得商用")]
    private static partial Regex NoCommercialUseDemand();

    [GeneratedRegex("公有云|SaaS|按年订阅|按月订阅|按调用量|(?<!政务|私有|专属|信创)云服务商|按次计费")]
    private static partial Regex PublicCloudOffer();

    [GeneratedRegex("私有化部署|本地化部署|本地部署|专网[^。；]{0,6}部署|部署[^。；]{0,6}专网|离线部署")]
    private static partial Regex PrivateDeploymentOffer();

    [GeneratedRegex("商城|广告|营销推广|导购")]
    private static partial Regex CommercialDataUse();





    /// <summary>What a scenario demands of delivery, read once per scenario rather than once per candidate.</summary>
    public sealed record Demands(bool OnPremise, bool NoCommercialUse);

    public static Demands DemandsOf(ScenarioDocument s)
    {
        var demand = string.Join('\n', s.Summary, s.Description);
        return new(OnPremiseDemand().IsMatch(demand), NoCommercialUseDemand().IsMatch(demand));
    }

    /// <summary>Signals for one firm and scenario: negative for a conflict, positive for a stated fit; empty when neither.</summary>
    public static IReadOnlyList<FitSignal> Assess(ScenarioDocument s, EnterpriseDocument e) => Assess(DemandsOf(s), e);

    /// <param name="offer">The firm's <see cref="EnterpriseDocument.DescriptionAndCases"/>, when the caller has it already.</param>
    public static IReadOnlyList<FitSignal> Assess(Demands d, EnterpriseDocument e, string? offer = null)
    {
        offer ??= e.DescriptionAndCases();
        List<FitSignal>? signals = null;
        void Add(double value, string reason) => (signals ??= []).Add(new(value, reason));
        if (d.OnPremise)
        {
            if (PrivateDeploymentOffer().IsMatch(offer)) Add(0.5, ReasonTemplates.PrivateDeployment);
            else if (PublicCloudOffer().IsMatch(offer)) Add(-1, ReasonTemplates.PublicCloud);
        }
        if (d.NoCommercialUse && CommercialDataUse().IsMatch(offer)) Add(-1, ReasonTemplates.CommercialUse);
        return signals ?? (IReadOnlyList<FitSignal>)[];
    }
}
