using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Marketplace.BuildingBlocks.Data;

/// <summary>
/// Writes one worksheet of an .xlsx workbook row by row, straight into a stream that need not seek (an HTTP response):
/// the zip's entries are written in order with data descriptors, and the sheet is deflated as its rows arrive, so memory
/// stays the same for ten rows or a million and the first bytes leave before the last row is read. The zip is written
/// into a small buffer that is handed to the output asynchronously whenever it fills, so no write to the output blocks
/// (a web server refuses synchronous writes to a response). Text goes in as inline strings, which a spreadsheet never evaluates as a formula; numbers as numbers.
/// The header row is bold and frozen, with a filter over every column.
/// </summary>
public sealed class XlsxStreamWriter : IAsyncDisposable
{
    private const string MainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string RelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    private const int Chunk = 32 * 1024;

    private readonly Stream _output;
    private readonly MemoryStream _pending;
    private readonly ZipArchive _zip;
    private readonly Stream _entry;
    private readonly StreamWriter _sheet;
    private readonly int _columns;
    private int _rows;
    private bool _finished;

    private XlsxStreamWriter(Stream output, MemoryStream pending, ZipArchive zip, Stream entry, StreamWriter sheet, int columns) =>
        (_output, _pending, _zip, _entry, _sheet, _columns) = (output, pending, zip, entry, sheet, columns);

    /// <summary>Starts the workbook and writes the header row. <paramref name="widths"/>: column widths in characters.</summary>
    public static async Task<XlsxStreamWriter> CreateAsync(Stream output, string sheetName, IReadOnlyList<string> header,
        IReadOnlyList<double>? widths = null, CancellationToken ct = default)
    {
        if (header.Count is 0 or > 16_384) throw new ArgumentOutOfRangeException(nameof(header), "a sheet has 1 to 16,384 columns");
        var pending = new MemoryStream(Chunk * 2);
        var zip = new ZipArchive(new ForwardOnly(pending), ZipArchiveMode.Create, leaveOpen: true);
        Part(zip, "[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>
            """);
        Part(zip, "_rels/.rels", $"""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RelNs}/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """);
        Part(zip, "xl/workbook.xml", $"""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="{MainNs}" xmlns:r="{RelNs}"><sheets><sheet name="{Escape(SheetName(sheetName))}" sheetId="1" r:id="rId1"/></sheets></workbook>
            """);
        Part(zip, "xl/_rels/workbook.xml.rels", $"""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{RelNs}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{RelNs}/styles" Target="styles.xml"/></Relationships>
            """);
        // Style 0: the default; style 1: bold (the header).
        Part(zip, "xl/styles.xml", $"""
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="{MainNs}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
            """);

        var entry = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Fastest).Open();
        var sheet = new StreamWriter(entry, new UTF8Encoding(false), 8 * 1024);
        var writer = new XlsxStreamWriter(output, pending, zip, entry, sheet, header.Count);
        var start = new StringBuilder($"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" + "\n");
        start.Append($"""<worksheet xmlns="{MainNs}" xmlns:r="{RelNs}"><sheetViews><sheetView workbookViewId="0">""");
        start.Append("""<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>""");
        if (widths is { Count: > 0 })
        {
            start.Append("<cols>");
            for (var i = 0; i < Math.Min(widths.Count, header.Count); i++)
                start.Append(CultureInfo.InvariantCulture, $"""<col min="{i + 1}" max="{i + 1}" width="{widths[i]:0.##}" customWidth="1"/>""");
            start.Append("</cols>");
        }
        start.Append("<sheetData>");
        sheet.Write(start);
        await writer.RowAsync(header.Select(h => (object?)h).ToList(), style: 1, ct);
        return writer;
    }

    /// <summary>
    /// One row. Cells: text (strings, and anything else by its invariant text), numbers (the integer and decimal types),
    /// or null for an empty cell.
    /// </summary>
    public Task WriteRowAsync(IReadOnlyList<object?> cells, CancellationToken ct = default)
    {
        if (_rows >= 1_048_576) throw new InvalidOperationException("a sheet holds at most 1,048,576 rows");
        return RowAsync(cells, style: 0, ct);
    }

    private async Task RowAsync(IReadOnlyList<object?> cells, int style, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        var r = ++_rows;
        var row = new StringBuilder(64 + cells.Count * 48);
        row.Append(CultureInfo.InvariantCulture, $"<row r=\"{r}\">");
        for (var i = 0; i < Math.Min(cells.Count, _columns); i++)
        {
            var s = style == 0 ? "" : $" s=\"{style}\"";
            var at = Column(i) + r.ToString(CultureInfo.InvariantCulture);
            switch (cells[i])
            {
                case null:
                    break;
                case int or long or short or byte or decimal or double or float when Number(cells[i]!) is { } number:
                    row.Append(CultureInfo.InvariantCulture, $"<c r=\"{at}\"{s}><v>{number}</v></c>");
                    break;
                case var value:
                    var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                    if (text.Length == 0) break;
                    // A cell holds at most 32,767 characters.
                    if (text.Length > 32_767) text = text[..32_767];
                    row.Append(CultureInfo.InvariantCulture, $"<c r=\"{at}\"{s} t=\"inlineStr\"><is><t xml:space=\"preserve\">");
                    AppendEscaped(row, text);
                    row.Append("</t></is></c>");
                    break;
            }
        }
        row.Append("</row>");
        _sheet.Write(row);
        if (_pending.Length >= Chunk) await SendAsync(ct);
    }

    /// <summary>Hands what the zip has written so far to the output.</summary>
    private async Task SendAsync(CancellationToken ct)
    {
        if (_pending.Length == 0) return;
        await _output.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), ct);
        _pending.SetLength(0);
    }

    /// <summary>Ends the sheet and the workbook; the output stream is left open.</summary>
    public async Task FinishAsync(CancellationToken ct = default)
    {
        if (_finished) return;
        _finished = true;
        var end = $"</sheetData><autoFilter ref=\"A1:{Column(_columns - 1)}{Math.Max(_rows, 1)}\"/></worksheet>";
        _sheet.Write(end);
        _sheet.Dispose(); // ends the sheet's entry
        _zip.Dispose(); // writes the zip's directory
        await SendAsync(ct);
        await _output.FlushAsync(ct);
    }

    /// <summary>
    /// Without <see cref="FinishAsync"/> (a failure part way) the workbook is left without its directory, so the output is
    /// a broken file rather than a short sheet that opens as if complete; the compressor's memory is freed either way.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_finished) return;
        _finished = true;
        _entry.Dispose();
        try { await SendAsync(CancellationToken.None); }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException) { }
    }

    /// <summary>A1-style column letters for a zero-based index: 0 → A, 25 → Z, 26 → AA.</summary>
    public static string Column(int index)
    {
        var letters = new StringBuilder();
        for (var n = index + 1; n > 0; n = (n - 1) / 26) letters.Insert(0, (char)('A' + (n - 1) % 26));
        return letters.ToString();
    }

    private static string? Number(object value) => value switch
    {
        double d when !double.IsFinite(d) => null,
        float f when !float.IsFinite(f) => null,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>A sheet name: at most 31 characters, none of : \ / ? * [ ].</summary>
    private static string SheetName(string name)
    {
        var clean = new string(name.Where(c => !":\\/?*[]".Contains(c)).ToArray()).Trim('\'');
        return clean.Length == 0 ? "Sheet1" : clean.Length > 31 ? clean[..31] : clean;
    }

    private static string Escape(string text)
    {
        var b = new StringBuilder(text.Length);
        AppendEscaped(b, text);
        return b.ToString();
    }

    /// <summary>XML-escapes text and drops what XML 1.0 cannot carry (control characters, lone surrogates).</summary>
    private static void AppendEscaped(StringBuilder b, string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': b.Append("&amp;"); break;
                case '<': b.Append("&lt;"); break;
                case '>': b.Append("&gt;"); break;
                case '\t' or '\n' or '\r': b.Append(c); break;
                case < ' ' or '\uFFFE' or '\uFFFF': break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { b.Append(c).Append(text[++i]); }
                    else if (!char.IsSurrogate(c)) b.Append(c);
                    break;
            }
        }
    }

    private static void Part(ZipArchive zip, string name, string xml)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        stream.Write(Encoding.UTF8.GetBytes(xml));
    }

    /// <summary>
    /// The buffer as the zip sees it: forward only, so entries are written once, in order, with their sizes after their
    /// data (as they would be into a response), and the buffer can be emptied between rows.
    /// </summary>
    private sealed class ForwardOnly(MemoryStream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    }
}
