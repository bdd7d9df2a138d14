namespace Marketplace.BuildingBlocks.Data;

/// <summary>
/// Text that people typed, made safe for a spreadsheet opened from a CSV file: a cell starting with =, +, -, @, a tab or
/// a carriage return would run as a formula (CSV injection, OWASP), so it gets a leading apostrophe. One definition for
/// every CSV the site writes (open data, the officers' directory export).
/// </summary>
public static class SpreadsheetText
{
    /// <summary>
    /// A writer for a CSV download: UTF-8 with a byte-order mark (Excel opens UTF-8 CSV correctly only with one). Its
    /// buffers (16K characters, 48 KB encoded) stay below the large object threshold, so a download in progress leaves
    /// no large-object garbage behind; the caller flushes every so many rows.
    /// </summary>
    public static StreamWriter CsvWriter(Stream output, bool leaveOpen = false) =>
        new(output, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 16 * 1024, leaveOpen);

    public static string Neutralize(string value) =>
        value.Length > 0 && "=+-@\t\r".Contains(value[0]) ? "'" + value : value;

    /// <summary>A CSV field: neutralised, then quoted when it holds a separator, a quote or a line break (RFC 4180).</summary>
    public static string CsvField(string value)
    {
        value = Neutralize(value);
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
