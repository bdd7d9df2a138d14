using System.Globalization;
using System.Reflection;

namespace Marketplace.Matching.Recommendations;

/// <summary>
/// A reason a person can check. <see cref="Template"/> is the Chinese text with {0}… placeholders and is also the key
/// of its translation in the site's resources; <see cref="Args"/> are data (names, counts) shown as they are.
/// </summary>
public sealed record Reason(string Kind, string Template, IReadOnlyList<string> Args)
{
    /// <summary>The reason in Chinese (the product's first language; emails and the API use it).</summary>
    public string Text => string.Format(CultureInfo.InvariantCulture, Template, Args.ToArray<object>());
}

/// <summary>Every reason the matcher gives, in one place so each has a translation (a unit test checks).</summary>
public static class ReasonTemplates
{
    public const string Technology = "技术匹配：{0}（{1}/{2}）";
    public const string Domain = "领域经验：{0}（{1} 项案例或申报）";
    public const string Qualification = "资质：{0}";
    public const string Region = "注册地：{0}";
    public const string Load = "在途申报 {0} 项";
    public const string Exposure = "中小企业公平曝光";
    public const string Text = "文本相关：{0}";
    public const string Case = "相关案例：{0}";
    public const string PrivateDeployment = "部署方式：可私有化或专网部署，符合场景的数据存储要求";
    public const string PublicCloud = "部署方式：以公有云服务提供，场景要求数据在本地或专网存储";
    public const string CommercialUse = "数据使用：业务含商业营销，场景禁止数据用于商业用途";
    public const string Role = "企业角色：{0}，场景要求建设或供货";
    public const string Standalone = "系统对接：产品为单机或封闭系统，场景要求与现有系统对接";
    public const string LicenceHeld = "许可资质：具备场景要求的{0}";
    public const string LicencePending = "许可资质：{0}尚在办理，场景要求已经具备";
    public const string Feedback = "平台记录：积极结果 {0}/{1}（受邀后揭榜、挂帅），本领域 {2}/{3}";

    public static IReadOnlyList<string> All { get; } = typeof(ReasonTemplates)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
}
