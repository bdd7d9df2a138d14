using Dapper;
using Marketplace.BuildingBlocks.Time;
using Npgsql;

namespace Marketplace.Reporting.Monitoring;

/// <summary>
/// Invitations in one group and what came of them. Only <paramref name="Decided"/> invitations — those whose scenario's
/// applications are no longer sealed — can show whether the firm applied, so the rate is <paramref name="Applied"/> of
/// <paramref name="Decided"/>, never of all <paramref name="Invited"/> (that would both break the seal and count open
/// windows as refusals).
/// </summary>
public sealed record ConversionRow(string Key, int Invited, int Decided, int Applied, int Awarded)
{
    /// <summary>Share of decided invitations the firm answered with an application; null while none is decided.</summary>
    public double? Rate => Decided == 0 ? null : Math.Round((double)Applied / Decided, 4);
}

/// <summary>
/// How often invitations lead to applications (受邀揭榜率) — the online counterpart of the offline ndcg: it says whether
/// the firms the matcher put forward (at publication) and the ones officers chose (by hand) were the ones that wanted
/// the work. Overall, by domain, by month of invitation (Beijing time), and by how the invitation was made.
/// </summary>
public sealed record InvitationConversion(ConversionRow Overall, IReadOnlyList<ConversionRow> ByDomain, IReadOnlyList<ConversionRow> ByMonth,
    IReadOnlyList<ConversionRow> ByOrigin)
{
    public const string AtPublication = "at_publication";
    public const string ByHand = "by_hand";

    /// <summary>
    /// One query: every invitation with its scenario's domain, whether it is decided, and whether the firm applied and
    /// won, grouped four ways with grouping sets. An application counts whenever the firm applied to the scenario (before
    /// or after the invitation): the view that lists applicants after the deadline carries no submission time.
    /// </summary>
    public static async Task<InvitationConversion> LoadAsync(NpgsqlConnection conn, DateTimeOffset now, CancellationToken ct)
    {
        var today = BeijingCalendar.DateOf(now);
        var firstMonth = new DateTime(today.Year, today.Month, 1).AddMonths(-11);
        var rows = (await conn.QueryAsync<(string? Domain, string? Month, bool? AtPublication, int Grouping, int Invited, int Decided, int Applied, int Awarded)>(
            new CommandDefinition("""
            with invitations as (
                select s.domain,
                       to_char(i.invited_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month,
                       i.at_publication,
                       not s.applications_sealed as decided,
                       exists (select 1 from scenarios.applicants_view a
                               where a.scenario_id = i.scenario_id and a.enterprise_id = i.enterprise_id) as applied,
                       exists (select 1 from scenarios.awards_view w
                               where w.scenario_id = i.scenario_id and w.enterprise_id = i.enterprise_id) as awarded
                from matching.invitations_view i join scenarios.ledger_view s on s.id = i.scenario_id
            )
            select domain, month, at_publication, grouping(domain, month, at_publication)::int as grouping,
                   count(*)::int as invited,
                   count(*) filter (where decided)::int as decided,
                   count(*) filter (where decided and applied)::int as applied,
                   count(*) filter (where decided and awarded)::int as awarded
            from invitations
            group by grouping sets ((), (domain), (month), (at_publication))
            """, cancellationToken: ct))).ToList();

        // grouping(): a bit is set for each column not grouped on (domain 4, month 2, at_publication 1).
        ConversionRow Row(string key, (string? Domain, string? Month, bool? AtPublication, int Grouping, int Invited, int Decided, int Applied, int Awarded) r) =>
            new(key, r.Invited, r.Decided, r.Applied, r.Awarded);
        var overall = rows.Where(r => r.Grouping == 7).Select(r => Row("", r)).SingleOrDefault() ?? new ConversionRow("", 0, 0, 0, 0);
        var byDomain = rows.Where(r => r.Grouping == 3).Select(r => Row(string.IsNullOrEmpty(r.Domain) ? "（未填）" : r.Domain, r))
            .OrderByDescending(r => r.Invited).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        var months = rows.Where(r => r.Grouping == 5).ToDictionary(r => r.Month!, r => Row(r.Month!, r));
        // The last twelve months, each shown even without invitations, as the dashboard's other trends are.
        var byMonth = Enumerable.Range(0, 12).Select(i => firstMonth.AddMonths(i).ToString("yyyy-MM"))
            .Select(m => months.GetValueOrDefault(m) ?? new ConversionRow(m, 0, 0, 0, 0)).ToList();
        var origins = rows.Where(r => r.Grouping == 6).ToDictionary(r => r.AtPublication == true, r => r);
        var byOrigin = new[] { (true, AtPublication), (false, ByHand) }
            .Select(o => origins.TryGetValue(o.Item1, out var r) ? Row(o.Item2, r) : new ConversionRow(o.Item2, 0, 0, 0, 0)).ToList();
        return new InvitationConversion(overall, byDomain, byMonth, byOrigin);
    }
}
