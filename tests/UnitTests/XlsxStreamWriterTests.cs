using System.IO.Compression;
using System.Text;
using Marketplace.BuildingBlocks.Data;
using MiniExcelLibs;

namespace Marketplace.UnitTests;

/// <summary>The streamed .xlsx writer: what it writes reads back, through a response-like stream that cannot seek or block.</summary>
public sealed class XlsxStreamWriterTests
{
    private static readonly string[] Header = ["企业名称", "注册资本（万元）", "员工人数", "简介"];

    private static async Task<byte[]> WriteAsync(IEnumerable<object?[]> rows, bool finish = true)
    {
        var output = new ResponseLikeStream();
        await using (var sheet = await XlsxStreamWriter.CreateAsync(output, "企业名录", Header, [30, 12, 10, 40]))
        {
            foreach (var row in rows) await sheet.WriteRowAsync(row);
            if (finish) await sheet.FinishAsync();
        }
        return output.Written.ToArray();
    }

    [Fact]
    public async Task Rows_ReadBackAsWritten_TextNumbersAndEmptyCells()
    {
        var bytes = await WriteAsync([
            ["北京智联物联网科技有限公司", 5000m, 120, "充电桩 & <储能> \"一体化\""],
            ["=HYPERLINK(\"http://x.test\")", 12.5m, null, "控制字符\u0001被去掉，换行\n保留"],
            ["", -3m, 0, new string('长', 40_000)],
        ]);

        var rows = new MemoryStream(bytes).Query(useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal("北京智联物联网科技有限公司", rows[0]["企业名称"]);
        Assert.Equal(5000d, Convert.ToDouble(rows[0]["注册资本（万元）"]));
        Assert.Equal(120d, Convert.ToDouble(rows[0]["员工人数"]));
        Assert.Equal("充电桩 & <储能> \"一体化\"", rows[0]["简介"]);
        Assert.Equal("=HYPERLINK(\"http://x.test\")", rows[1]["企业名称"]);
        Assert.Null(rows[1]["员工人数"]);
        Assert.Equal("控制字符被去掉，换行\n保留", rows[1]["简介"]);
        Assert.Equal(32_767, ((string)rows[2]["简介"]!).Length);
    }

    [Fact]
    public async Task TextThatLooksLikeAFormula_IsWrittenAsText_NeverAsAFormula()
    {
        var sheet = SheetXml(await WriteAsync([["=1+1", 1m, 1, "@SUM(A1)"]]));
        Assert.DoesNotContain("<f>", sheet);
        Assert.Contains("<c r=\"A2\" t=\"inlineStr\"><is><t xml:space=\"preserve\">=1+1</t></is></c>", sheet);
        Assert.Contains("<autoFilter ref=\"A1:D2\"/>", sheet);
        Assert.Contains("state=\"frozen\"", sheet);
    }

    [Fact]
    public async Task AWriteThatStopsPartWay_LeavesAFileThatDoesNotOpen_NotAShortSheet()
    {
        var bytes = await WriteAsync([["甲", 1m, 1, "乙"]], finish: false);
        Assert.ThrowsAny<InvalidDataException>(() => new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read));
    }

    [Fact]
    public async Task ManyRows_AreStreamed_TheOutputGrowsWhileRowsAreWritten()
    {
        var output = new ResponseLikeStream();
        await using var sheet = await XlsxStreamWriter.CreateAsync(output, "s", Header);
        for (var i = 0; i < 20_000; i++) await sheet.WriteRowAsync([$"企业{i}-{Guid.NewGuid()}", (decimal)i, i, Guid.NewGuid().ToString()]);
        var beforeFinish = output.Written.Length;
        await sheet.FinishAsync();
        Assert.True(beforeFinish > output.Written.Length / 2, $"{beforeFinish:N0} of {output.Written.Length:N0} bytes were out before the end");
        var count = new MemoryStream(output.Written.ToArray()).Query(useHeaderRow: true, excelType: ExcelType.XLSX).Count();
        Assert.Equal(20_000, count);
    }

    [Theory]
    [InlineData(0, "A"), InlineData(25, "Z"), InlineData(26, "AA"), InlineData(701, "ZZ"), InlineData(702, "AAA"), InlineData(16_383, "XFD")]
    public void Columns_AreNamedAsSpreadsheetsNameThem(int index, string name) => Assert.Equal(name, XlsxStreamWriter.Column(index));

    private static string SheetXml(byte[] xlsx)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read);
        using var reader = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Like an HTTP response body: forward only, and synchronous writes are refused (as Kestrel refuses them).</summary>
    private sealed class ResponseLikeStream : Stream
    {
        public MemoryStream Written { get; } = new();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => throw new InvalidOperationException("synchronous flush");
        public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("synchronous write");
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) => Written.WriteAsync(buffer, ct);
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => Written.WriteAsync(buffer, offset, count, ct);
    }
}
