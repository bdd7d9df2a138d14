using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;

namespace Marketplace.BuildingBlocks.Data;

/// <summary>
/// Rows one at a time as PostgreSQL sends them, for exports that must not hold a whole table in memory.
/// Dapper's own unbuffered query calls <c>DbCommand.Cancel()</c> when it finishes with a reader that is still open —
/// even after the last row — and Npgsql carries out a cancel by opening a new connection to the server and sending a
/// cancel request on it, synchronously, on a thread-pool thread: 20–50 ms per export on this machine, blocking. Here the
/// reader is read to its end and disposed (Npgsql then just reads the command's completion), so a finished export costs
/// its rows and nothing else; an abandoned one (the client went away) is cancelled through the request's token.
/// </summary>
public static class StreamedQuery
{
    public static async IAsyncEnumerable<T> StreamAsync<T>(this DbConnection conn, string sql, object? parameters,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var reader = await conn.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
        var parse = reader.GetRowParser<T>();
        while (await reader.ReadAsync(ct))
            yield return parse(reader);
    }
}
