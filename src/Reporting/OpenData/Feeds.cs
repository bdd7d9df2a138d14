using Marketplace.BuildingBlocks.Caching;
using Marketplace.BuildingBlocks.Data;
using System.Globalization;
using System.Text;
using System.Xml;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.Extensions.Options;
using IcsCalendar = Ical.Net.Calendar;

namespace Marketplace.Reporting.OpenData;

/// <summary>Subscriptions to open data: an Atom feed of newly published scenarios and an iCalendar feed of deadlines.</summary>
public sealed class Feeds(OpenDataQueries openData, ScenarioLabels labels, IOptions<OpenDataOptions> options, DataVersion data, TimeProvider clock)
{
    // Feed readers poll; both documents are the same bytes until the data or the minute changes (decision 65).
    private readonly VersionedCache<byte[]> _documents = new(capacity: 2);

    /// <summary>How old a feed may be served while a newer one is being built (see <see cref="VersionedCache{T}"/>).</summary>
    private static readonly TimeSpan Staleness = TimeSpan.FromSeconds(30);

    /// <summary>Atom 1.0 (RFC 4287): the 50 most recently published scenarios, as UTF-8 XML.</summary>
    public async Task<byte[]> AtomAsync(CancellationToken ct) =>
        await _documents.GetOrAddAsync("atom", await data.AtMinuteAsync(clock, ct), BuildAtomAsync, ct, Staleness);

    /// <summary>iCalendar (RFC 5545): one event per open scenario at its deadline, to subscribe to from a calendar app.</summary>
    public async Task<byte[]> DeadlinesAsync(CancellationToken ct) =>
        await _documents.GetOrAddAsync("ics", await data.AtMinuteAsync(clock, ct), BuildDeadlinesAsync, ct, Staleness);

    private async Task<byte[]> BuildAtomAsync(CancellationToken ct)
    {
        var o = options.Value;
        var items = await openData.ListRecentlyPublishedAsync(50, ct);
        using var buffer = new PieceBuffer();
        using (var x = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            const string ns = "http://www.w3.org/2005/Atom";
            x.WriteStartElement("feed", ns);
            x.WriteAttributeString("xml", "lang", null, "zh-CN");
            x.WriteElementString("id", ns, o.Absolute("/feeds/scenarios.atom"));
            x.WriteElementString("title", ns, "通州区应用场景 · 最新发布");
            x.WriteElementString("updated", ns, Rfc3339(items.FirstOrDefault()?.PublishedAt ?? DateTimeOffset.UnixEpoch));
            Link(x, ns, "self", o.Absolute("/feeds/scenarios.atom"), "application/atom+xml");
            Link(x, ns, "alternate", o.Absolute("/scenarios"), "text/html");
            x.WriteStartElement("author", ns);
            x.WriteElementString("name", ns, "北京市通州区应用场景供需对接平台");
            x.WriteEndElement();
            foreach (var s in items)
            {
                x.WriteStartElement("entry", ns);
                x.WriteElementString("id", ns, $"urn:uuid:{s.Id}");
                x.WriteElementString("title", ns, $"{s.Title}（{labels.Category(s.Category)}）");
                x.WriteElementString("updated", ns, Rfc3339(s.PublishedAt!.Value));
                x.WriteElementString("published", ns, Rfc3339(s.PublishedAt!.Value));
                Link(x, ns, "alternate", o.Absolute($"/scenarios/{s.Id}"), "text/html");
                x.WriteStartElement("category", ns);
                x.WriteAttributeString("term", s.Category);
                x.WriteAttributeString("label", labels.Category(s.Category));
                x.WriteEndElement();
                x.WriteElementString("summary", ns, $"{s.Summary} 申报截止：{labels.Time(s.ClosesAt)}（北京时间）");
                x.WriteEndElement();
            }
            x.WriteEndElement();
        }
        return buffer.ToArray();
    }

    private static void Link(XmlWriter x, string ns, string rel, string href, string type)
    {
        x.WriteStartElement("link", ns);
        x.WriteAttributeString("rel", rel);
        x.WriteAttributeString("href", href);
        x.WriteAttributeString("type", type);
        x.WriteEndElement();
    }

    private static string Rfc3339(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <remarks>Ical.Net escapes text values and folds lines at 75 octets without splitting a UTF-8 character.</remarks>
    private async Task<byte[]> BuildDeadlinesAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var open = await openData.ListOpenAsync(now, ct);
        var host = new Uri(o.Absolute("/")).Host;
        var calendar = new IcsCalendar { ProductId = "-//Tongzhou//Scenario Marketplace//ZH", Scale = "GREGORIAN", Method = "PUBLISH" };
        calendar.AddProperty("X-WR-CALNAME", "应用场景申报截止");
        calendar.AddProperty("X-WR-TIMEZONE", "Asia/Shanghai");
        foreach (var s in open)
        {
            var page = o.Absolute($"/scenarios/{s.Id}");
            var deadline = new CalendarEvent
            {
                Uid = $"deadline-{s.Code}@{host}",
                DtStamp = Utc(s.PublishedAt ?? now),
                DtStart = Utc(s.ClosesAt),
                DtEnd = Utc(s.ClosesAt),
                Summary = $"申报截止：{s.Title}",
                Description = $"{s.Summary}\n{page}",
                Url = new Uri(page),
                Categories = [labels.Category(s.Category)],
            };
            deadline.Alarms.Add(new Alarm { Action = AlarmAction.Display, Trigger = new Trigger(Duration.FromDays(-1)), Description = $"明天截止：{s.Title}" });
            calendar.Events.Add(deadline);
        }
        return Encoding.UTF8.GetBytes(new CalendarSerializer().SerializeToString(calendar) ?? "");
    }

    private static CalDateTime Utc(DateTimeOffset t) => new(t.UtcDateTime, CalDateTime.UtcTzId);
}
