using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Enterprises.Profiles;
using Marketplace.Scenarios.Listings;

namespace Marketplace.Web.Demo;

public sealed record DemoAccount(string Email, string Password, string DisplayName, string Role, string? FirmCreditCode, string? Department);

/// <summary>
/// Deterministic demo content: the plan's 60 scenarios (written by us, in scenarios.json) and a few hundred synthetic
/// firms generated from a fixed seed, so every fresh start shows the same marketplace.
/// </summary>
public static class DemoData
{
    public const string Password = "Demo@2026!";

    public static readonly IReadOnlyList<DemoAccount> Accounts =
    [
        new("officer@demo.gov.cn", Password, "王科（区科委）", "officer", null, "区科学技术委员会"),
        new("admin@demo.gov.cn", Password, "平台管理员", "admin", null, "平台运营"),
        new("member@zhilian-iot.cn", Password, "李明（智联物联）", "enterprise", ZhilianCode, null),
        new("member@yunhe-energy.cn", Password, "赵芳（运河绿能）", "enterprise", YunheCode, null),
    ];

    private static string ZhilianCode => CreditCode.Complete("91110112MA01RL8A");
    private static string YunheCode => CreditCode.Complete("91110112MA01YH6E");

    private sealed record ScenarioSeed(
        string Category, string Domain, string Location, string Title, string Summary, string Description,
        string[] Technologies, string Mode, string[] Qualifications, decimal MinRegisteredCapitalWan, decimal BudgetMinWan, decimal BudgetMaxWan);

    public static IReadOnlyList<Scenario> Scenarios(DateTimeOffset now)
    {
        using var stream = typeof(DemoData).Assembly.GetManifestResourceStream("Marketplace.Web.Demo.scenarios.json")!;
        var seeds = JsonSerializer.Deserialize<ScenarioSeed[]>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        return seeds.Select((s, i) =>
        {
            var code = $"SC-2026-{i + 1:000}";
            var horseRace = s.Mode == "赛马";
            // Two scenarios stay as drafts so an officer has something to publish; the rest are open, with staggered deadlines.
            var status = i is 4 or 40 ? ScenarioStatus.Draft : ScenarioStatus.Published;
            return new Scenario(
                StableId(code), code, s.Title, s.Summary, s.Description, s.Category, s.Domain, s.Location, s.Technologies,
                Batch: i < 30 ? "2026年第一批" : "2026年第二批", OwnerDepartment: OwnerFor(s.Category),
                s.BudgetMinWan, s.BudgetMaxWan, horseRace ? ScenarioMode.HorseRace : ScenarioMode.Single, horseRace ? 3 : 1,
                OpensAt: today.AddDays(-7), ClosesAt: today.AddDays(30 + i % 6 * 10).AddHours(9),
                s.Qualifications, s.MinRegisteredCapitalWan, [], status,
                status == ScenarioStatus.Published ? today.AddDays(-7) : null);
        }).ToList();
    }

    private static string OwnerFor(string category) => category switch
    {
        "smart-city" => "区科学技术委员会",
        "cultural-tourism" => "区文化和旅游局",
        _ => "区发展和改革委员会",
    };

    private static Guid StableId(string key) => new(MD5.HashData(Encoding.UTF8.GetBytes("marketplace-demo:" + key)));

    // ---- synthetic enterprises -------------------------------------------------------------------------------

    private sealed record Field(string Domain, string Industry, string Product, string[] Technologies, string[] Clients, string[] Projects);

    private static readonly Field[] Fields =
    [
        new("数字化社区", "数字经济", "社区治理与物联感知解决方案", ["物联网", "计算机视觉", "人工智能", "养老", "毫米波雷达", "垃圾分类"],
            ["街道办事处", "镇政府", "物业集团"], ["智慧社区平台", "智能垃圾分类改造", "独居老人监测", "电动车入梯识别"]),
        new("智慧交通", "数字经济", "交通感知与信号控制系统", ["车路协同", "边缘计算", "自动驾驶", "计算机视觉", "5G", "动态称重"],
            ["交通管理支队", "交通委员会", "公交集团"], ["路口信号优化", "路侧感知单元部署", "停车泊位管理", "自动驾驶接驳"]),
        new("智能行政办公", "数字经济", "政务智能化软件", ["大语言模型", "自然语言处理", "OCR", "知识图谱", "政务服务", "信创"],
            ["政务服务中心", "区委办公室", "档案馆"], ["智能导办", "公文辅助写作", "档案数字化", "热线诉求分析"]),
        new("智慧医疗", "数字经济", "医疗人工智能与互联网医疗服务", ["医学影像", "深度学习", "互联网医院", "可穿戴设备", "知识图谱"],
            ["区人民医院", "社区卫生服务中心", "妇幼保健院"], ["影像辅助诊断", "慢病远程管理", "急救调度", "孕产妇健康管理"]),
        new("智慧教育", "数字经济", "教育信息化产品", ["智慧教育", "知识图谱", "语音识别", "虚拟现实", "人工智能"],
            ["区教育委员会", "中学", "职业学校"], ["课堂分析", "个性化作业", "虚拟仿真实训", "AI科普实验室"]),
        new("智慧建造", "先进制造", "智慧工地与建筑数字化服务", ["BIM", "物联网", "数字孪生", "建筑机器人", "传感器"],
            ["建工集团", "住房城乡建设委", "城投公司"], ["智慧工地平台", "BIM审查", "结构健康监测", "装配式构件追溯"]),
        new("智慧大运河", "文化旅游", "文旅数字内容与沉浸式体验", ["增强现实", "虚拟现实", "三维建模", "区块链", "无人机"],
            ["文旅集团", "博物馆", "景区管理处"], ["数字游船", "文物三维数字化", "沉浸式展陈", "景区导览"]),
        new("数字城市绿心", "文化旅游", "智慧景区与园林管养系统", ["大数据", "遥感", "数字孪生", "配送机器人", "客流分析"],
            ["森林公园管理处", "园林绿化局", "文化场馆"], ["客流感知疏导", "智慧管养", "数字观展", "无人配送"]),
        new("台湖演艺小镇", "文化旅游", "演艺科技装备与数字演出", ["机械数控", "实时渲染", "动作捕捉", "工业控制", "人脸识别"],
            ["剧院", "演艺集团", "票务公司"], ["舞台机械控制", "XR舞台", "实名票务", "演出直播"]),
        new("张家湾设计小镇", "商务服务", "设计数字化与版权服务", ["区块链", "图像识别", "人工智能", "云计算", "知识产权"],
            ["设计园区", "设计院", "知识产权局"], ["版权存证", "AI辅助设计", "园区运营平台", "设计资源共享"]),
        new("城市能源清洁化利用", "先进制造", "清洁能源系统与智能运维", ["光伏", "氢能", "空气源热泵", "智能运维", "安全监测"],
            ["能源集团", "公交集团", "镇政府"], ["屋顶光伏", "清洁取暖监测", "加氢站安全监测"]),
        new("能源互联网", "数字经济", "综合能源服务平台", ["能源互联网", "充电桩", "车网互动", "碳核算", "大数据"],
            ["供电公司", "商务楼宇业主", "发展改革委"], ["楼宇能源管理", "有序充电", "能源大数据中心"]),
        new("生态环境及生态系统集成", "数字经济", "生态环境监测与治理服务", ["水质监测", "遥感", "物联网", "声纹识别", "大数据"],
            ["生态环境局", "水务局", "湿地公园"], ["水质监测溯源", "大气网格化监测", "生物多样性监测"]),
        new("近零碳示范园区", "商务服务", "园区低碳规划与碳管理服务", ["近零碳", "碳核算", "储能", "光伏", "区块链"],
            ["产业园区", "开发区管委会", "制造企业"], ["近零碳园区规划", "碳足迹核算", "碳管理平台"]),
        new("虚拟电厂", "数字经济", "负荷聚合与需求响应平台", ["虚拟电厂", "需求响应", "负荷预测", "机器学习", "能源互联网"],
            ["售电公司", "供电公司", "工业园区"], ["虚拟电厂平台", "负荷预测", "需求响应邀约"]),
        new("储荷弹性电网", "先进制造", "储能系统与微电网控制", ["储能", "微电网", "源网荷储", "电池管理", "安全监测"],
            ["供电公司", "工业园区", "数据中心"], ["微电网示范", "储能电站监测", "源网荷储协同"]),
    ];

    private static readonly string[] TongzhouTowns = ["宋庄镇", "张家湾镇", "台湖镇", "潞城镇", "永顺镇", "梨园镇", "马驹桥镇", "漷县镇", "西集镇", "于家务乡", "北苑街道", "玉桥街道"];
    private static readonly string[] BeiSanXian = ["三河市", "大厂回族自治县", "香河县"];
    private static readonly string[] OtherBeijing = ["海淀区", "朝阳区", "大兴区", "顺义区", "昌平区", "丰台区"];
    private static readonly string[] OtherProvinces = ["天津市滨海新区", "上海市浦东新区", "深圳市南山区", "杭州市余杭区", "合肥市高新区", "成都市高新区"];
    private static readonly string[] NameHeads = ["智", "云", "数", "华", "宏", "新", "博", "瑞", "众", "天", "融", "恒", "中", "联", "易", "睿", "京", "通", "运", "绿"];
    private static readonly string[] NameTails = ["联", "科", "图", "源", "创", "达", "捷", "景", "安", "信", "元", "合", "泽", "航", "维", "策", "锐", "途", "衡", "川"];
    private static readonly string[] NameMiddles = ["", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
        "晟", "泓", "嘉", "铭", "朗", "昊", "卓", "骏", "弘", "益"];
    private static readonly string[] Suffixes = ["科技有限公司", "信息技术有限公司", "智能科技有限公司", "技术股份有限公司", "数字科技有限公司"];

    /// <summary>The firms of the demo: two named ones with member accounts, then <paramref name="count"/> generated ones.</summary>
    public static IReadOnlyList<EnterpriseProfile> Enterprises(int count = 300) => GenerateEnterprises(count).ToList();

    /// <summary>
    /// The same firms as <see cref="Enterprises"/>, made one at a time (a benchmark writes a million to a file). Names and
    /// codes are kept unique by 64-bit fingerprints rather than the strings: 16 bytes a firm instead of a few hundred.
    /// </summary>
    public static IEnumerable<EnterpriseProfile> GenerateEnterprises(int count)
    {
        EnterpriseProfile[] named =
        [
            new(StableId("firm:zhilian"), "北京通州智联物联科技有限公司", ZhilianCode, "数字经济", "通州区·宋庄镇",
                ["高新技术企业", "科技型中小企业"], 800, 86, ["物联网", "计算机视觉", "人工智能", "养老"],
                "专注社区物联感知和视频智能分析，产品包括智能垃圾分类投放站、独居老人无感监测终端和社区治理平台，已在通州多个街道落地。",
                [new("宋庄镇智能垃圾分类投放站改造", "宋庄镇政府", 2025, "改造投放点36个，厨余分出率提升至28%"),
                 new("北苑街道独居老人安全监测", "北苑街道办事处", 2024, "覆盖老人420名，跌倒告警平均响应8分钟")],
                "member@zhilian-iot.cn"),
            new(StableId("firm:yunhe"), "北京运河绿能科技有限公司", YunheCode, "数字经济", "通州区·张家湾镇",
                ["高新技术企业", "专精特新"], 3000, 240, ["虚拟电厂", "需求响应", "储能", "能源互联网"],
                "提供负荷聚合、需求响应和储能运营服务，自研虚拟电厂调控平台可接入楼宇空调、充电桩和用户侧储能。",
                [new("商务区楼宇负荷聚合试点", "运河商务区管委会", 2025, "聚合可调负荷18兆瓦，参与需求响应6次")],
                "member@yunhe-energy.cn"),
        ];
        foreach (var firm in named) yield return firm;

        var random = new Random(2026);
        var usedNames = new HashSet<ulong>(named.Select(f => Fingerprint(f.Name)));
        var usedCodes = new HashSet<ulong>(named.Select(f => Fingerprint(f.CreditCode)));
        for (var made = named.Length; made < count + 2;)
        {
            var field = Fields[random.Next(Fields.Length)];
            var (region, regionCode, place) = PickRegion(random);
            var name = place + NameHeads[random.Next(NameHeads.Length)] + NameTails[random.Next(NameTails.Length)]
                       + (count > 5000 ? NameMiddles[random.Next(NameMiddles.Length)] + NameHeads[random.Next(NameHeads.Length)] : "")
                       + Suffixes[random.Next(Suffixes.Length)];
            if (!usedNames.Add(Fingerprint(name))) continue;
            var body = new string(Enumerable.Range(0, 8).Select(_ => "0123456789ABCDEFGHJKLMNPQRTUWXY"[random.Next(31)]).ToArray());
            var code = CreditCode.Complete("91" + regionCode + body);
            if (!usedCodes.Add(Fingerprint(code))) continue;

            var technologies = field.Technologies.OrderBy(_ => random.Next()).Take(random.Next(2, 5)).ToArray();
            var qualifications = new List<string>();
            if (random.NextDouble() < 0.6) qualifications.Add("高新技术企业");
            if (random.NextDouble() < 0.25) qualifications.Add("专精特新");
            var employees = (int)Math.Round(Math.Exp(random.NextDouble() * Math.Log(2000 / 10.0)) * 10);
            if (employees < 300 && random.NextDouble() < 0.7) qualifications.Add("科技型中小企业");
            var capital = Math.Round((decimal)Math.Exp(random.NextDouble() * Math.Log(10000 / 50.0)) * 50 / 10) * 10;
            var cases = Enumerable.Range(0, random.Next(0, 4)).Select(_ => new EnterpriseCase(
                $"{field.Projects[random.Next(field.Projects.Length)]}项目",
                field.Clients[random.Next(field.Clients.Length)], 2021 + random.Next(5),
                random.NextDouble() < 0.5 ? "通过验收" : "持续运营中")).ToList();
            var description = $"公司专注于{field.Domain}领域，主要提供{field.Product}，核心技术包括{string.Join("、", technologies)}。" +
                              $"团队约{employees}人，注册于{region}。";
            made++;
            yield return new EnterpriseProfile(StableId("firm:" + code), name, code, field.Industry, region, qualifications, capital, employees,
                technologies, description, cases, null);
        }
    }

    /// <summary>FNV-1a over the UTF-16 code units: stable across runs, unlike <see cref="string.GetHashCode()"/>.</summary>
    private static ulong Fingerprint(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text) hash = (hash ^ c) * 1099511628211UL;
        return hash;
    }

    private static (string Region, string RegionCode, string Place) PickRegion(Random random)
    {
        var roll = random.NextDouble();
        if (roll < 0.5) return ($"通州区·{TongzhouTowns[random.Next(TongzhouTowns.Length)]}", "110112", "北京");
        if (roll < 0.65)
        {
            var county = BeiSanXian[random.Next(BeiSanXian.Length)];
            return ($"北三县·{county}", "131082", "河北");
        }
        if (roll < 0.7) return ("雄安新区", "133100", "雄安");
        if (roll < 0.9) return ($"北京其他区·{OtherBeijing[random.Next(OtherBeijing.Length)]}", "110108", "北京");
        var other = OtherProvinces[random.Next(OtherProvinces.Length)];
        return ($"外省市·{other}", "310115", other[..2]);
    }
}
