using System.Text;
using Marketplace.Enterprises.Import;

namespace Marketplace.UnitTests;

public sealed class ImportParsingTests
{
    [Fact]
    public void Csv_WithChineseHeaders_IsReadWithSheetRowNumbers()
    {
        var csv = "企业名称,统一社会信用代码,行业,注册地,资质,注册资本（万元）,员工人数\n" +
                  "北京甲科技有限公司,91131082MA0BN72F7Q,数字经济,北三县·三河市,高新技术企业、专精特新,300,50\n" +
                  ",,,,,,\n" +
                  "北京乙科技有限公司,91131082MA0BN72F7R,数字经济,北三县·三河市,,abc,50\n";
        var rows = ImportReaders.Read("list.csv", new MemoryStream(Encoding.UTF8.GetBytes(csv)));

        Assert.Equal([2, 4], rows.Select(r => r.Number));
        var (good, goodIssues) = EnterpriseImport.Parse(rows[0], 2026);
        Assert.Empty(goodIssues);
        Assert.Equal(["高新技术企业", "专精特新"], good!.Qualifications);
        var (_, issues) = EnterpriseImport.Parse(rows[1], 2026);
        Assert.Contains(issues, i => i is { Row: 4, Field: "注册资本" });
        Assert.Contains(issues, i => i is { Row: 4, Field: "统一社会信用代码" });
    }

    [Fact]
    public void Json_CasesAsStringsOrObjects_BecomeCases()
    {
        var json = """
            [{"name":"北京丙科技有限公司","creditCode":"91131082MA0BN72F7Q","industry":"数字经济","region":"雄安新区",
              "cases":["为某街道建设平台，覆盖三万户",{"title":"某区项目","client":"区教委","year":2024}]},{"name":"缺行业"}]
            """;
        var rows = ImportReaders.Read("x.json", new MemoryStream(Encoding.UTF8.GetBytes(json)));
        var (profile, issues) = EnterpriseImport.Parse(rows[0], 2026);
        Assert.Empty(issues);
        Assert.Equal(["为某街道建设平台，覆盖三万户", "某区项目，区教委，2024"], profile!.Cases.Select(c => c.Title));
        Assert.Contains(EnterpriseImport.Parse(rows[1], 2026).Issues, i => i is { Row: 2, Field: "行业" });
    }

    [Fact]
    public void UnsupportedFileType_IsRefusedWithAMessage() =>
        Assert.Contains(".xlsx", Assert.Throws<InvalidDataException>(() => ImportReaders.Read("x.doc", new MemoryStream())).Message);
}
