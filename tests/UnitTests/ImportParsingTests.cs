using System.Text;
using Marketplace.Enterprises.Import;

namespace Marketplace.UnitTests;

public sealed class ImportParsingTests
{
    [Fact]
    public async Task Csv_WithChineseHeaders_IsReadWithSheetRowNumbers()
    {
        var csv = "企业名称,统一社会信用代码,行业,注册地,资质,注册资本（万元）,员工人数\n" +
                  "北京甲科技有限公司,91131082MA0BN72F7Q,数字经济,北三县·三河市,高新技术企业、专精特新,300,50\n" +
                  ",,,,,,\n" +
                  "北京乙科技有限公司,91131082MA0BN72F7R,数字经济,北三县·三河市,,abc,50\n";
        var rows = await ImportReaders.ReadAsync("list.csv", new MemoryStream(Encoding.UTF8.GetBytes(csv))).ToListAsync();

        Assert.Equal([2, 4], rows.Select(r => r.Number));
        var (good, goodIssues) = EnterpriseImport.Parse(rows[0], 2026);
        Assert.Empty(goodIssues);
        Assert.Equal(["高新技术企业", "专精特新"], good!.Qualifications);
        var (_, issues) = EnterpriseImport.Parse(rows[1], 2026);
        Assert.Contains(issues, i => i is { Row: 4, Field: "注册资本" });
        Assert.Contains(issues, i => i is { Row: 4, Field: "统一社会信用代码" });
    }

    [Fact]
    public async Task Json_CasesAsStringsOrObjects_BecomeCases()
    {
        var json = """
            [{"name":"北京丙科技有限公司","creditCode":"91131082MA0BN72F7Q","industry":"数字经济","region":"雄安新区",
              "cases":["为某街道建设平台，覆盖三万户",{"title":"某区项目","client":"区教委","year":2024}]},{"name":"缺行业"}]
            """;
        var rows = await ImportReaders.ReadAsync("x.json", new MemoryStream(Encoding.UTF8.GetBytes(json))).ToListAsync();
        var (profile, issues) = EnterpriseImport.Parse(rows[0], 2026);
        Assert.Empty(issues);
        Assert.Equal(["为某街道建设平台，覆盖三万户", "某区项目，区教委，2024"], profile!.Cases.Select(c => c.Title));
        Assert.Contains(EnterpriseImport.Parse(rows[1], 2026).Issues, i => i is { Row: 2, Field: "行业" });
    }

    [Fact]
    public void UnsupportedFileType_IsRefusedWithAMessage() =>
        Assert.Contains(".xlsx", Assert.Throws<InvalidDataException>(() => ImportReaders.ReadAsync("x.doc", new MemoryStream())).Message);

    [Theory]
    [InlineData("""{"name":"北京甲科技有限公司"}""", "JSON 文件应为企业对象的数组")]
    [InlineData("""[{"name":"北京甲科技有限公司"},{"name":""", "第 2 项")]
    public async Task Json_ThatIsNotAnArrayOrIsCutOff_IsRefusedAsUnreadable(string json, string message)
    {
        var rows = ImportReaders.ReadAsync("x.json", new MemoryStream(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(message, (await Assert.ThrowsAsync<InvalidDataException>(async () => await rows.ToListAsync())).Message);
    }

    [Fact]
    public async Task Json_IsReadAsAStream_OneElementAtATime()
    {
        // A stream that refuses to be read past the first few KB once the first row is out: rows come before the end.
        var elements = string.Join(",", Enumerable.Range(0, 2_000).Select(i => $$"""{"name":"北京第{{i}}科技有限公司"}"""));
        var stream = new MemoryStream(Encoding.UTF8.GetBytes("[" + elements + "]"));
        await using var rows = ImportReaders.ReadAsync("x.json", stream).GetAsyncEnumerator();

        Assert.True(await rows.MoveNextAsync());
        Assert.Equal((1, "北京第0科技有限公司"), (rows.Current.Number, rows.Current.Values["name"]));
        Assert.True(stream.Position < stream.Length / 2, $"read {stream.Position} of {stream.Length} bytes for the first row");
    }
}
