using System.Data;
using Dapper;

namespace Marketplace.BuildingBlocks.Data;

/// <summary>Process-wide Dapper settings: snake_case columns onto PascalCase members, and timestamptz as DateTimeOffset.</summary>
public static class DapperSetup
{
    private static int _configured;

    public static void Configure()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1) return;
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
    }

    // Npgsql reads timestamptz as a UTC DateTime and refuses DateTimeOffset values with a non-zero offset;
    // normalising here keeps every caller on UTC instants.
    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.ToUniversalTime();

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            DateTimeOffset dto => dto,
            _ => throw new DataException($"Cannot read {value.GetType()} as DateTimeOffset."),
        };
    }
}
