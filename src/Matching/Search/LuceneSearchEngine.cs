using System.Net;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;
using Marketplace.Matching.Documents;
using Marketplace.Matching.Text;

namespace Marketplace.Matching.Search;

/// <summary>The embedded engine: two Lucene indexes (scenarios, enterprises) under one folder, BM25, words + bigrams.</summary>
public sealed class LuceneSearchEngine : ISearchEngine, IDisposable
{
    private volatile LuceneIndex _scenarios;
    private volatile LuceneIndex _enterprises;
    private readonly string? _folder;
    private readonly Lucene.Net.Analysis.Analyzer _analyzer;
    private readonly Similarity _similarity;
    private readonly object _resetLock = new();
    private volatile string? _damage;
    private volatile bool _awaitingRebuild;
    private readonly Thesaurus _thesaurus;
    private readonly TimeProvider _clock;

    private readonly RetrievalTuning _tuning;

    /// <param name="folder">Index root folder, or null for an in-memory index (evaluation, tests).</param>
    /// <param name="searchCacheEntries">Visitor search answers kept per index generation and index; 0 turns the cache off.</param>
    public LuceneSearchEngine(string? folder, Thesaurus thesaurus, TimeProvider clock, RetrievalTuning? tuning = null, int searchCacheEntries = 1024)
    {
        _scenarioResults = new(searchCacheEntries);
        _enterpriseResults = new(searchCacheEntries);
        _thesaurus = thesaurus;
        _clock = clock;
        _tuning = tuning ?? new RetrievalTuning();
        _folder = folder;
        _analyzer = ChineseAnalysis.CreateIndexAnalyzer();
        _similarity = new BM25Similarity((float)_tuning.Bm25K1, (float)_tuning.Bm25B);
        _scenarios = OpenIndex("scenarios", wipe: false);
        _enterprises = OpenIndex("enterprises", wipe: false);
    }

    private LuceneIndex OpenIndex(string name, bool wipe) =>
        new(_folder is null ? null : Path.Combine(_folder, name), _analyzer, _similarity, ReportDamage, wipe);

    /// <summary>True when an index folder was unreadable at start and has been recreated empty.</summary>
    public bool WasReset => _scenarios.WasReset || _enterprises.WasReset;

    public string? AnswerVersion => $"{Readable(_scenarios).ReaderVersion}/{Readable(_enterprises).ReaderVersion}";

    // ---- damage while running ------------------------------------------------------------------------------

    /// <summary>What was found wrong with the index files (gone, changed, unreadable) since the last reset; null when sound.</summary>
    public string? Damage => _damage;

    private void ReportDamage(string reason) => _damage ??= reason;

    /// <summary>Checks the files of both indexes (metadata only); records and returns the first damage found.</summary>
    public string? CheckFiles()
    {
        if (_damage is null && (_scenarios.FindDamage() ?? _enterprises.FindDamage()) is { } found) ReportDamage(found);
        return _damage;
    }

    /// <summary>
    /// Replaces both indexes with empty ones in fresh folders. Searches answer <see cref="SearchUnavailableException"/>
    /// until <see cref="RebuildCompleted"/>; writes go to the new indexes, so the rebuild from the database can fill them.
    /// </summary>
    public void Reset()
    {
        lock (_resetLock)
        {
            _awaitingRebuild = true;
            var (oldScenarios, oldEnterprises) = (_scenarios, _enterprises);
            oldScenarios.Retire();
            oldEnterprises.Retire();
            _scenarios = OpenIndex("scenarios", wipe: true);
            _enterprises = OpenIndex("enterprises", wipe: true);
            _damage = null;
        }
    }

    /// <summary>Between <see cref="Reset"/> and <see cref="RebuildCompleted"/>.</summary>
    public bool AwaitingRebuild => _awaitingRebuild;

    /// <summary>The rebuild after <see cref="Reset"/> is done: searches answer again.</summary>
    public void RebuildCompleted() => _awaitingRebuild = false;

    /// <summary>The index to read, unless it is empty awaiting its rebuild (then results would be wrong, not just late).</summary>
    private LuceneIndex Readable(LuceneIndex index) =>
        _awaitingRebuild ? throw new SearchUnavailableException("The search index is being rebuilt from the database.") : index;

    // ---- writing -------------------------------------------------------------------------------------------

    public Task UpsertScenariosAsync(IReadOnlyCollection<ScenarioDocument> scenarios, CancellationToken ct)
    {
        _scenarios.Write(w =>
        {
            foreach (var s in scenarios) w.UpdateDocument(new Term("id", s.Id.ToString()), ToLucene(s));
        });
        return Task.CompletedTask;
    }

    public Task RemoveScenarioAsync(Guid id, CancellationToken ct)
    {
        _scenarios.Write(w => w.DeleteDocuments(new Term("id", id.ToString())));
        return Task.CompletedTask;
    }

    public Task UpsertEnterprisesAsync(IReadOnlyCollection<EnterpriseDocument> enterprises, CancellationToken ct)
    {
        _enterprises.Write(w =>
        {
            foreach (var e in enterprises) w.UpdateDocument(new Term("id", e.Id.ToString()), ToLucene(e));
        });
        return Task.CompletedTask;
    }

    public Task ReplaceAllAsync(IReadOnlyCollection<ScenarioDocument> scenarios, IReadOnlyCollection<EnterpriseDocument> enterprises, CancellationToken ct)
    {
        _scenarios.Write(w =>
        {
            w.DeleteAll();
            foreach (var s in scenarios) w.AddDocument(ToLucene(s));
        });
        _enterprises.Write(w =>
        {
            w.DeleteAll();
            foreach (var e in enterprises) w.AddDocument(ToLucene(e));
        });
        // A full reindex is done when its merges are: the first recommendations then get the cores and few segments.
        _enterprises.Settle();
        return Task.CompletedTask;
    }

    public Task<(int Scenarios, int Enterprises)> CountAsync(CancellationToken ct) =>
        Task.FromResult((Readable(_scenarios).Search(s => s.IndexReader.NumDocs), Readable(_enterprises).Search(s => s.IndexReader.NumDocs)));

    private static Document ToLucene(ScenarioDocument s)
    {
        var all = string.Join('\n', s.Title, s.Summary, s.Description, s.Domain, s.Location, string.Join(' ', s.Technologies));
        var doc = new Document
        {
            new StringField("id", s.Id.ToString(), Field.Store.YES),
            OrderOf(s.Id),
            new StoredField("code", s.Code),
            new StoredField("title", s.Title),
            new StoredField("summary", s.Summary),
            new StoredField("description", s.Description),
            new StoredField("min_capital", (double)s.MinRegisteredCapitalWan),
            new TextField("title_w", s.Title, Field.Store.NO),
            new TextField("title_bg", s.Title, Field.Store.NO),
            new TextField("all_w", all, Field.Store.NO),
            new TextField("all_bg", all, Field.Store.NO),
            new StringField("category", s.Category, Field.Store.YES),
            new StringField("domain", s.Domain, Field.Store.YES),
            new StringField("location", s.Location, Field.Store.YES),
            new StringField("status", s.Status, Field.Store.YES),
            new Int64Field("closes_at", s.ClosesAt.ToUnixTimeSeconds(), Field.Store.YES),
            new StoredField("suspension_day", s.SuspensionDay is { } day ? day.DayNumber : -1),
            new StoredField("winners_after", EnterpriseDocument.ToMicros(s.WinnersAwardedAfter)),
        };
        foreach (var t in s.Technologies)
        {
            doc.Add(new StringField("tech", ChineseAnalysis.TechKey(t), Field.Store.NO));
            doc.Add(new StoredField("tech_label", t));
        }
        foreach (var q in s.RequiredQualifications) doc.Add(new StoredField("req_qual", q));
        foreach (var r in s.AllowedRegions) doc.Add(new StoredField("region_rule", r));
        foreach (var a in s.AudienceOrPublic) doc.Add(new StringField("audience", a, Field.Store.YES));
        LuceneFacets.Add(doc, ScenarioFacets.Category, s.Category);
        LuceneFacets.Add(doc, ScenarioFacets.Domain, s.Domain);
        LuceneFacets.Add(doc, ScenarioFacets.Location, s.Location);
        LuceneFacets.Add(doc, ScenarioFacets.Status, s.Status);
        foreach (var t in s.Technologies.Distinct()) LuceneFacets.Add(doc, ScenarioFacets.Technology, t);
        return doc;
    }

    private static ScenarioDocument ScenarioFromLucene(Document d) => new(
        Guid.Parse(d.Get("id")), d.Get("code"), d.Get("title"), d.Get("summary"), d.Get("description") ?? "", d.Get("category"),
        d.Get("domain"), d.Get("location"), d.GetValues("tech_label"), d.Get("status"),
        DateTimeOffset.FromUnixTimeSeconds(d.GetField("closes_at").GetInt64Value() ?? 0), d.GetValues("req_qual"),
        (decimal)(d.GetField("min_capital")?.GetDoubleValue() ?? 0), d.GetValues("region_rule"), d.GetValues("audience"),
        DayOrNull(d.GetField("suspension_day")?.GetInt32Value()),
        EnterpriseDocument.FromMicros(d.GetField("winners_after")?.GetInt64Value() ?? 0));

    private static DateOnly? DayOrNull(int? dayNumber) => dayNumber is { } n && n >= 0 ? DateOnly.FromDayNumber(n) : null;

    /// <summary>A filter clause admitting documents whose audience holds any of the viewer's terms.</summary>
    private static BooleanQuery AudienceFilter(IReadOnlyList<string> audience)
    {
        var any = new BooleanQuery();
        foreach (var a in audience) any.Add(new TermQuery(new Term("audience", a)), Occur.SHOULD);
        return any;
    }

    private static Document ToLucene(EnterpriseDocument e)
    {
        var all = string.Join('\n', e.Name, e.Description, string.Join(' ', e.Technologies), string.Join('\n', e.Cases));
        var doc = new Document
        {
            new StringField("id", e.Id.ToString(), Field.Store.YES),
            OrderOf(e.Id),
            new StoredField("name", e.Name),
            new StringField("industry", e.Industry, Field.Store.YES),
            new StringField("region", e.Region, Field.Store.YES),
            new DoubleField("capital", (double)e.RegisteredCapitalWan, Field.Store.YES),
            new StoredField("employees", e.Employees),
            new StoredField("description", e.Description),
            new StoredField("open_apps", e.OpenApplications),
            new StringField("public", e.PublicCard ? "1" : "0", Field.Store.YES),
            new Int32Field("suspended_until", e.SuspendedUntilDay, Field.Store.YES),
            new Int64Field("last_awarded", e.LastAwardedMicros, Field.Store.YES),
            new TextField("all_w", all, Field.Store.NO),
            new TextField("all_bg", all, Field.Store.NO),
            new TextField(CasesField, string.Join('\n', e.Cases), Field.Store.NO),
        };
        foreach (var q in e.Qualifications) doc.Add(new StringField("qual", q, Field.Store.YES));
        foreach (var t in e.Technologies)
        {
            doc.Add(new StringField("tech", ChineseAnalysis.TechKey(t), Field.Store.NO));
            doc.Add(new StoredField("tech_label", t));
        }
        foreach (var c in e.Cases) doc.Add(new StoredField("case", c));
        foreach (var d in e.ExperienceDomains) doc.Add(new StringField("exp", d, Field.Store.YES));
        LuceneFacets.Add(doc, EnterpriseFacets.Region, RegionGroup(e.Region));
        LuceneFacets.Add(doc, EnterpriseFacets.Industry, e.Industry);
        foreach (var t in e.Technologies.Distinct()) LuceneFacets.Add(doc, EnterpriseFacets.Technology, t);
        foreach (var q in e.Qualifications.Distinct()) LuceneFacets.Add(doc, EnterpriseFacets.Qualification, q);
        return doc;
    }

    private static EnterpriseDocument FromLucene(Document d) => new(
        Guid.Parse(d.Get("id")), d.Get("name"), d.Get("industry"), d.Get("region"), d.GetValues("qual"),
        (decimal)(d.GetField("capital").GetDoubleValue() ?? 0), d.GetField("employees").GetInt32Value() ?? 0,
        d.GetValues("tech_label"), d.Get("description"), d.GetValues("case"), d.GetValues("exp"),
        d.GetField("open_apps").GetInt32Value() ?? 0, d.Get("public") != "0",
        EnterpriseDocument.FromDay(d.GetField("suspended_until")?.GetInt32Value() ?? 0),
        EnterpriseDocument.FromMicros(d.GetField("last_awarded")?.GetInt64Value() ?? 0));

    // ---- scenario search -----------------------------------------------------------------------------------

    /// <summary>The first part of a region ("北三县·三河市" → "北三县"): the grouping people filter by.</summary>
    public static string RegionGroup(string region) => region.Split('·')[0];

    // Visitors repeat searches (the hall unfiltered, a popular word, the home page): answers are kept per index
    // generation and audience (see SearchResultCache). Bounded; a new generation starts empty.
    private readonly SearchResultCache<ScenarioSearchResult> _scenarioResults;
    private readonly SearchResultCache<EnterpriseSearchResult> _enterpriseResults;

    public Task<ScenarioSearchResult> SearchScenariosAsync(ScenarioSearchQuery q, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var audience = q.AudienceFilter;
        var key = string.Join('\u001f', q.Text?.Trim() ?? "", q.Category, q.OpenOnly ? "open" : "any", Math.Max(1, q.Page),
            Math.Clamp(q.PageSize, 1, 100), q.Domain, q.Technology, q.Location, q.Status, q.Order,
            audience is null ? "*" : string.Join('\u001e', audience.Order(StringComparer.Ordinal)));
        return Task.FromResult(Readable(_scenarios).Search(searcher => _scenarioResults.GetOrAdd(searcher.IndexReader, key, now,
            // Only "open" answers depend on the clock: they hold until the next deadline in the index passes.
            () => (SearchScenarios(searcher, q, now), q.OpenOnly ? NextDeadlineAfter(searcher.IndexReader, now) : long.MaxValue))));
    }

    // What a list shows of a scenario (not its long description); firms' cards are whole documents.
    private readonly StoredDocumentCache _scenarioCards = new(new HashSet<string>
        { "id", "code", "title", "summary", "category", "domain", "location", "status", "closes_at", "tech_label" }, maxPerSegment: 20_000);
    private readonly StoredDocumentCache _enterpriseCards = new(null, maxPerSegment: 20_000);
    // Whole scenarios, for recommending scenarios to a firm: every open scenario is a candidate of nearly every firm, and
    // decompressing their stored fields was most of the workbench's matching time.
    private readonly StoredDocumentCache _scenarioDocuments = new(null, maxPerSegment: 20_000);

    /// <summary>
    /// The query restricted by a filter that does not score. A MUST clause scoring zero rather than a filter wrapper:
    /// the wrapper looks the filter's terms up in every segment on every search, while clauses go through the
    /// searcher's remembered term contexts. BM25 has no coordination factor, so the scores are the query's own.
    /// </summary>
    private static BooleanQuery Filtered(Query query, BooleanQuery filter) => new()
    {
        { query, Occur.MUST },
        { new ConstantScoreQuery(filter) { Boost = 0 }, Occur.MUST },
    };

    private ScenarioSearchResult SearchScenarios(IndexSearcher searcher, ScenarioSearchQuery q, long now)
    {
        var text = q.Text?.Trim() ?? "";
        var (query, highlightTerms) = text.Length == 0 ? (new MatchAllDocsQuery(), Array.Empty<string>()) : BuildVisitorTextQuery(text, withTitle: true);

        var filter = new BooleanQuery { { new MatchAllDocsQuery(), Occur.MUST } };
        if (q.OpenOnly)
        {
            filter.Add(new TermQuery(new Term("status", "published")), Occur.MUST);
            // From the field cache the deadline sort already holds, instead of enumerating the trie terms of a range.
            filter.Add(new ConstantScoreQuery(FieldCacheRangeFilter.NewInt64Range("closes_at", FieldCache.NUMERIC_UTILS_INT64_PARSER, now, null, false, true)), Occur.MUST);
        }
        void Require(string field, string? value)
        {
            if (!string.IsNullOrEmpty(value)) filter.Add(new TermQuery(new Term(field, value)), Occur.MUST);
        }
        Require("domain", q.Domain);
        Require("location", q.Location);
        Require("status", q.Status);
        Require("tech", q.Technology is null ? null : ChineseAnalysis.TechKey(q.Technology));
        if (q.AudienceFilter is { } audience) filter.Add(AudienceFilter(audience), Occur.MUST);

        // In-order collectors: Lucene then scores disjunctions with BooleanScorer2 instead of BooleanScorer, whose bucket
        // table allocates 2,048 objects per segment and clause. One pass over the query without the category filter: it counts the category tabs and hands the documents of
        // the chosen category to the collectors of the page and of the facets. (Five searches did this before, each
        // looking every query term up again in every segment: most of a request's time on a small index.)
        var page = Math.Max(1, q.Page);
        var size = Math.Clamp(q.PageSize, 1, 100);
        var ordered = Ordered(q.Order == ScenarioSort.Relevance
            ? SortField.FIELD_SCORE
            : new SortField("closes_at", FieldCache.NUMERIC_UTILS_INT64_PARSER, q.Order == ScenarioSort.DeadlineDescending), page * size);
        var facets = new LuceneFacets.Counter(ScenarioFacets.All);
        var split = new CategorySplit(q.Category, MultiCollector.Wrap(ordered, facets));
        searcher.Search(Filtered(query, filter), split);
        var top = ordered.GetTopDocs();

        var highlighter = highlightTerms.Length == 0 ? null : CreateHighlighter(highlightTerms);
        var hits = top.ScoreDocs.Skip((page - 1) * size).Select(sd =>
        {
            var d = _scenarioCards.Get(searcher, sd.Doc);
            var title = d.Get("title");
            var summary = d.Get("summary");
            return new ScenarioHit(
                Guid.Parse(d.Get("id")), d.Get("code"), title, d.Get("category"), d.Get("domain"), d.Get("location"),
                d.Get("status"), DateTimeOffset.FromUnixTimeSeconds(d.GetField("closes_at").GetInt64Value() ?? 0),
                d.GetValues("tech_label"), Highlight(highlighter, title, title.Length), Highlight(highlighter, summary, 120),
                float.IsNaN(sd.Score) ? 0 : sd.Score);
        }).ToList();
        return new ScenarioSearchResult(hits, top.TotalHits, split.Result(), facets.Result());
    }

    /// <summary>
    /// Counts each category among the matching documents (the tabs above the results) and passes on only those of the
    /// chosen category, or every document when none is chosen.
    /// </summary>
    private sealed class CategorySplit(string? category, ICollector inner) : ICollector
    {
        private readonly Dictionary<string, int> _counts = new() { ["smart-city"] = 0, ["cultural-tourism"] = 0, ["livable-city"] = 0 };
        private SortedSetDocValues? _values;
        private int[] _segmentCounts = [];
        private long _chosen = -1;

        public bool AcceptsDocsOutOfOrder => inner.AcceptsDocsOutOfOrder;
        public void SetScorer(Scorer scorer) => inner.SetScorer(scorer);

        public void SetNextReader(AtomicReaderContext context)
        {
            Flush();
            inner.SetNextReader(context);
            _values = context.AtomicReader.GetSortedSetDocValues(LuceneFacets.Prefix + ScenarioFacets.Category);
            _segmentCounts = new int[_values?.ValueCount ?? 0];
            _chosen = category is null || _values is null ? -1 : _values.LookupTerm(new BytesRef(category));
        }

        public void Collect(int doc)
        {
            var ord = SortedSetDocValues.NO_MORE_ORDS;
            if (_values is not null)
            {
                _values.SetDocument(doc);
                ord = _values.NextOrd();
                if (ord != SortedSetDocValues.NO_MORE_ORDS) _segmentCounts[ord]++;
            }
            if (category is null || (_chosen >= 0 && ord == _chosen)) inner.Collect(doc);
        }

        private void Flush()
        {
            if (_values is null) return;
            var scratch = new BytesRef();
            for (var ord = 0; ord < _segmentCounts.Length; ord++)
            {
                if (_segmentCounts[ord] == 0) continue;
                _values.LookupOrd(ord, scratch);
                var name = scratch.Utf8ToString();
                if (_counts.ContainsKey(name)) _counts[name] += _segmentCounts[ord];
            }
            _values = null;
        }

        /// <summary>The count of each category over every segment searched.</summary>
        public Dictionary<string, int> Result()
        {
            Flush();
            return _counts;
        }
    }

    // The deadlines in one index generation, sorted: an answer about open scenarios holds until the next one passes.
    private (IndexReader Reader, long[] Deadlines)? _deadlines;

    private long NextDeadlineAfter(IndexReader reader, long now)
    {
        var known = _deadlines;
        long[] deadlines;
        if (known is { } k && ReferenceEquals(k.Reader, reader)) deadlines = k.Deadlines;
        else
        {
            var all = new List<long>();
            foreach (var leaf in reader.Leaves)
            {
                var values = FieldCache.DEFAULT.GetInt64s(leaf.AtomicReader, "closes_at", FieldCache.NUMERIC_UTILS_INT64_PARSER, false);
                for (var doc = 0; doc < leaf.AtomicReader.MaxDoc; doc++) all.Add(values.Get(doc));
            }
            deadlines = all.Distinct().Order().ToArray();
            _deadlines = (reader, deadlines);
        }
        var i = Array.BinarySearch(deadlines, now);
        i = i >= 0 ? i + 1 : ~i; // the first deadline strictly after now: at that second the scenario no longer counts as open
        return i < deadlines.Length ? deadlines[i] : long.MaxValue;
    }

    public Task<EnterpriseSearchResult> SearchEnterprisesAsync(EnterpriseSearchQuery q, CancellationToken ct)
    {
        var key = string.Join('\u001f', q.Text?.Trim() ?? "", q.Region, q.Industry, q.Technology, q.Qualification,
            Math.Max(1, q.Page), Math.Clamp(q.PageSize, 1, 100), q.SortByCapital ? "capital" : "");
        return Task.FromResult(Readable(_enterprises).Search(searcher => _enterpriseResults.GetOrAdd(searcher.IndexReader, key, 0,
            () => (SearchEnterprises(searcher, q), long.MaxValue))));
    }

    private EnterpriseSearchResult SearchEnterprises(IndexSearcher searcher, EnterpriseSearchQuery q)
    {
        var text = q.Text?.Trim() ?? "";
        var (query, highlightTerms) = text.Length == 0 ? (new MatchAllDocsQuery(), Array.Empty<string>()) : BuildVisitorTextQuery(text, withTitle: false);
        // Only firms that opted into the public capability list appear in it.
        var filter = new BooleanQuery { { new TermQuery(new Term("public", "1")), Occur.MUST } };
        if (!string.IsNullOrEmpty(q.Region)) filter.Add(new PrefixQuery(new Term("region", q.Region)), Occur.MUST);
        if (!string.IsNullOrEmpty(q.Industry)) filter.Add(new TermQuery(new Term("industry", q.Industry)), Occur.MUST);
        if (!string.IsNullOrEmpty(q.Technology)) filter.Add(new TermQuery(new Term("tech", ChineseAnalysis.TechKey(q.Technology))), Occur.MUST);
        if (!string.IsNullOrEmpty(q.Qualification)) filter.Add(new TermQuery(new Term("qual", q.Qualification)), Occur.MUST);

        var page = Math.Max(1, q.Page);
        var size = Math.Clamp(q.PageSize, 1, 100);
        var topCollector = Ordered(q.SortByCapital ? new SortField("capital", FieldCache.NUMERIC_UTILS_DOUBLE_PARSER, reverse: true) : SortField.FIELD_SCORE, page * size);
        var facets = new LuceneFacets.Counter(EnterpriseFacets.All);
        searcher.Search(Filtered(query, filter), MultiCollector.Wrap(topCollector, facets));
        var top = topCollector.GetTopDocs();
        var highlighter = highlightTerms.Length == 0 ? null : CreateHighlighter(highlightTerms);
        var hits = top.ScoreDocs.Skip((page - 1) * size).Select(sd =>
        {
            var e = FromLucene(_enterpriseCards.Get(searcher, sd.Doc));
            var snippetSource = string.Join("。", new[] { e.Description }.Concat(e.Cases));
            return new EnterpriseHit(e.Id, e.Name, e.Region, e.Industry, e.Qualifications, e.Technologies,
                Highlight(highlighter, e.Name, e.Name.Length), Highlight(highlighter, snippetSource, 120), float.IsNaN(sd.Score) ? 0 : sd.Score);
        }).ToList();
        return new EnterpriseSearchResult(hits, top.TotalHits, facets.Result());
    }

    /// <summary>
    /// The top <paramref name="n"/> by <paramref name="first"/>, ties broken by the id (<see cref="OrderField"/>), not by
    /// the order documents happened to reach the index in: a rebuilt index (after a restore, or on another node) lists
    /// equally-ranked results in the same order as the live one, however many outbox lanes indexed them concurrently.
    /// </summary>
    private static TopFieldCollector Ordered(SortField first, int n) =>
        TopFieldCollector.Create(new Sort(first, new SortField(OrderField, SortFieldType.INT64)), n,
            fillFields: false, trackDocScores: first.Type == SortFieldType.SCORE, trackMaxScore: false, docsScoredInOrder: true);

    /// <summary>
    /// The id as a number that sorts like it: its first eight bytes, big-endian, with the sign bit flipped so that the
    /// signed comparison Lucene makes orders them as unsigned. Stored as a doc value (read from the index, not the heap).
    /// </summary>
    internal const string OrderField = "order";

    private static NumericDocValuesField OrderOf(Guid id) =>
        new(OrderField, System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(id.ToByteArray(bigEndian: true)) ^ long.MinValue);

    /// <summary>
    /// A visitor's query must match most of its character bigrams (or those of a thesaurus equivalent) somewhere in
    /// the scenario; words and title matches then order the results.
    /// </summary>
    private (Query Query, string[] HighlightTerms) BuildVisitorTextQuery(string text, bool withTitle)
    {
        var alternatives = new List<string> { text };
        alternatives.AddRange(_thesaurus.ExpansionsFor(text));

        var anyAlternative = new BooleanQuery { MinimumNumberShouldMatch = 1 };
        var highlight = new List<string>();
        foreach (var alt in alternatives)
        {
            var bigrams = ChineseAnalysis.Terms(ChineseAnalysis.Bigrams, alt);
            if (bigrams.Count == 0) continue;
            highlight.AddRange(bigrams);
            var must = new BooleanQuery { MinimumNumberShouldMatch = Math.Max(1, (int)Math.Ceiling(bigrams.Count * 0.75)) };
            foreach (var b in bigrams) must.Add(new TermQuery(new Term("all_bg", b)), Occur.SHOULD);
            anyAlternative.Add(must, Occur.SHOULD);
        }
        // Typo tolerance for Latin-script terms (BIM, AIoT, LoRa): one edit away still matches.
        foreach (var w in ChineseAnalysis.Terms(ChineseAnalysis.Words, text).Where(w => w.Length >= 3 && w.All(char.IsAsciiLetterOrDigit)))
        {
            anyAlternative.Add(new FuzzyQuery(new Term("all_w", w), maxEdits: 1) { Boost = 0.5f }, Occur.SHOULD);
            highlight.Add(w);
        }
        if (anyAlternative.Clauses.Count == 0) return (new MatchAllDocsQuery(), []);

        var query = new BooleanQuery { { anyAlternative, Occur.MUST } };
        foreach (var w in ChineseAnalysis.Terms(ChineseAnalysis.Words, text))
        {
            if (withTitle) query.Add(new TermQuery(new Term("title_w", w)) { Boost = 3 }, Occur.SHOULD);
            query.Add(new TermQuery(new Term("all_w", w)), Occur.SHOULD);
        }
        if (withTitle)
            foreach (var b in ChineseAnalysis.Terms(ChineseAnalysis.Bigrams, text))
                query.Add(new TermQuery(new Term("title_bg", b)) { Boost = 2 }, Occur.SHOULD);
        return (query, highlight.Distinct().ToArray());
    }

    private static Highlighter CreateHighlighter(IEnumerable<string> bigrams)
    {
        var terms = new BooleanQuery();
        foreach (var b in bigrams) terms.Add(new TermQuery(new Term("hl", b)), Occur.SHOULD);
        return new Highlighter(new SimpleHTMLFormatter("<mark>", "</mark>"), new SimpleHTMLEncoder(), new QueryScorer(terms))
        {
            TextFragmenter = new SimpleFragmenter(120),
        };
    }

    private static string Highlight(Highlighter? highlighter, string text, int fallbackLength)
    {
        var fragment = highlighter?.GetBestFragment(ChineseAnalysis.Bigrams, "hl", text);
        if (fragment is not null) return fragment;
        var plain = text.Length > fallbackLength ? text[..fallbackLength] + "…" : text;
        return WebUtility.HtmlEncode(plain);
    }

    // ---- enterprise retrieval ------------------------------------------------------------------------------

    public Task<EnterpriseDocument?> GetEnterpriseAsync(Guid id, CancellationToken ct) =>
        Task.FromResult(Readable(_enterprises).Search(searcher =>
        {
            var top = searcher.Search(new TermQuery(new Term("id", id.ToString())), 1);
            return top.TotalHits == 0 ? null : FromLucene(searcher.Doc(top.ScoreDocs[0].Doc));
        }));

    public Task<IReadOnlyList<EnterpriseCandidate>> RetrieveEnterprisesAsync(EnterpriseRetrievalQuery q, CancellationToken ct)
    {
        var filter = EligibilityFilter(q.Rules);
        IReadOnlyList<EnterpriseCandidate> result = Readable(_enterprises).Search(searcher =>
        {
            var query = BuildEnterpriseQuery(q, searcher);
            var top = searcher.Search(filter is null ? query : new FilteredQuery(query, filter, EligibleAsAcceptedDocs.Instance), q.Limit);
            return top.ScoreDocs.Select(sd => new EnterpriseCandidate(FromLucene(searcher.Doc(sd.Doc)), sd.Score)).ToList();
        });
        return Task.FromResult(result);
    }

    public Task<IReadOnlyList<ScenarioCandidate>> RetrieveScenariosAsync(ScenarioRetrievalQuery q, CancellationToken ct)
    {
        var query = new BooleanQuery();
        var t = _tuning;
        AddWeightedTerms(query, "all_w", ChineseAnalysis.TermCounts(ChineseAnalysis.Words, q.Text), (float)t.WordWeight, null, null);
        AddWeightedTerms(query, "all_bg", ChineseAnalysis.TermCounts(ChineseAnalysis.Bigrams, q.Text), (float)t.BigramWeight, null, null);
        foreach (var tech in q.Technologies)
            query.Add(new TermQuery(new Term("tech", ChineseAnalysis.TechKey(tech))) { Boost = (float)Math.Max(1, t.TechnologyTagWeight) }, Occur.SHOULD);
        var open = new BooleanQuery
        {
            { new TermQuery(new Term("status", "published")), Occur.MUST },
            { NumericRangeQuery.NewInt64Range("closes_at", _clock.GetUtcNow().ToUnixTimeSeconds(), null, false, true), Occur.MUST },
        };
        if (q.AudienceFilter is { } audience) open.Add(AudienceFilter(audience), Occur.MUST);
        IReadOnlyList<ScenarioCandidate> result = query.Clauses.Count == 0
            ? []
            : Readable(_scenarios).Search(searcher =>
                searcher.Search(new FilteredQuery(query, new QueryWrapperFilter(open)), Math.Max(1, q.Limit)).ScoreDocs
                    .Select(sd => new ScenarioCandidate(ScenarioFromLucene(_scenarioDocuments.Get(searcher, sd.Doc)), sd.Score)).ToList());
        return Task.FromResult(result);
    }

    private Query BuildEnterpriseQuery(EnterpriseRetrievalQuery q, IndexSearcher firms)
    {
        var query = new BooleanQuery();
        var text = q.Title + "\n" + q.Title + "\n" + q.Text;
        var t = _tuning;
        var specificity = ScenarioSpecificity();
        var selection = new TermSelection(firms, t.MaxTermsPerField, t.MaxDocFrequency);
        var caseClause = t.CasesWeight > 0
            ? new CaseClause(ChineseAnalysis.Terms(ChineseAnalysis.Words, q.Core ?? text).ToHashSet(), (float)t.CasesWeight, t.CaseMinimumMatch)
            : null;
        AddWeightedTerms(query, "all_w", ChineseAnalysis.TermCounts(ChineseAnalysis.Words, text), (float)t.WordWeight, specificity, selection, caseClause);
        AddWeightedTerms(query, "all_bg", ChineseAnalysis.TermCounts(ChineseAnalysis.Bigrams, text), (float)t.BigramWeight, specificity, selection);

        var expansions = string.Join('\n', _thesaurus.ExpansionsFor(text));
        if (expansions.Length > 0)
        {
            // On large indexes equivalents are held to a smaller budget and a stricter frequency bound: they weigh half,
            // and an equivalent found in many firms tells little while walking long posting lists (the benchmark's p50
            // went from about 9 to about 8 ms with a bound of 0.5 % instead of 2 %). Small indexes keep every equivalent.
            var expansionSelection = new TermSelection(firms, t.MaxExpansionTermsPerField, t.MaxExpansionDocFrequency);
            AddWeightedTerms(query, "all_w", ChineseAnalysis.TermCounts(ChineseAnalysis.Words, expansions), (float)(t.WordWeight * t.SynonymWeight), null, expansionSelection);
            AddWeightedTerms(query, "all_bg", ChineseAnalysis.TermCounts(ChineseAnalysis.Bigrams, expansions), (float)(t.BigramWeight * t.SynonymWeight), null, expansionSelection);
        }

        foreach (var tech in q.Technologies)
        {
            if (t.TechnologyTagWeight <= 0) continue;
            query.Add(new TermQuery(new Term("tech", ChineseAnalysis.TechKey(tech))) { Boost = (float)t.TechnologyTagWeight }, Occur.SHOULD);
            foreach (var group in _thesaurus.Groups.Where(g => g.Contains(tech, StringComparer.OrdinalIgnoreCase)))
                foreach (var synonym in group.Where(s => !s.Equals(tech, StringComparison.OrdinalIgnoreCase)))
                    query.Add(new TermQuery(new Term("tech", ChineseAnalysis.TechKey(synonym))) { Boost = (float)(t.TechnologyTagWeight * t.SynonymWeight) }, Occur.SHOULD);
        }
        return query.Clauses.Count == 0 ? new MatchAllDocsQuery() : query;
    }

    /// <summary>
    /// Which query terms are worth their cost against a large index: terms found in a large share of all firms
    /// (公司, 服务, 系统) are dropped, and of the rest only the strongest (query weight × idf) are kept.
    /// Small indexes keep everything, since there the cost is nothing.
    /// </summary>
    private sealed class TermSelection(IndexSearcher searcher, int maxTerms, double maxDocFrequency)
    {
        private const int SmallIndex = 5_000;
        private const int MinTerms = 4;
        private readonly int _n = searcher.IndexReader.NumDocs;

        public IEnumerable<(Term Term, float Boost)> Choose(IEnumerable<(Term Term, float Boost)> candidates)
        {
            if (_n < SmallIndex) return candidates;
            var present = candidates.Select(c => (c.Term, c.Boost, Df: DocFreq(searcher, c.Term))).Where(c => c.Df > 0).ToList();
            var chosen = present.Where(c => c.Df <= maxDocFrequency * _n)
                .OrderByDescending(c => c.Boost * Math.Log((double)_n / c.Df)).Take(maxTerms).ToList();
            // A query made only of common words still needs something to match on: keep its rarest terms (within a
            // looser bound, so one query cannot walk most of the index).
            var floor = Math.Min(MinTerms, maxTerms);
            if (chosen.Count < floor)
                chosen.AddRange(present.Where(c => c.Df > maxDocFrequency * _n && c.Df <= 4 * maxDocFrequency * _n)
                    .OrderBy(c => c.Df).Take(floor - chosen.Count));
            return chosen.Select(c => (c.Term, c.Boost));
        }
    }

    private const int MaxTermsPerFieldHardLimit = 300;

    /// <param name="caseClause">When given, the selected terms that name what the scenario asks for (its core) also
    /// go into one extra clause over the firm's past cases (field <c>cases_w</c>) that counts only when the cases hold
    /// at least <see cref="CaseClause.MinimumMatch"/> of them: delivered work naming several of the wanted things is
    /// stronger evidence than a self-description, while a single shared word (监测, 平台) in a case proves nothing.</param>
    private static void AddWeightedTerms(BooleanQuery query, string field, Dictionary<string, int> counts, float weight,
        Func<Term, float>? multiplier, TermSelection? selection, CaseClause? caseClause = null)
    {
        var weighted = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(MaxTermsPerFieldHardLimit)
            .Select(kv =>
            {
                var term = new Term(field, kv.Key);
                return (Term: term, Boost: weight * (1f + MathF.Log(kv.Value)) * (multiplier?.Invoke(term) ?? 1f));
            })
            .Where(x => x.Boost > 0);
        var inCases = new BooleanQuery();
        foreach (var (term, boost) in selection?.Choose(weighted) ?? weighted)
        {
            query.Add(new TermQuery(term) { Boost = boost }, Occur.SHOULD);
            if (caseClause is not null && caseClause.CoreTerms.Contains(term.Text))
                inCases.Add(new TermQuery(new Term(CasesField, term.Text)) { Boost = boost * caseClause.Weight }, Occur.SHOULD);
        }
        if (caseClause is not null && inCases.Clauses.Count >= caseClause.MinimumMatch)
        {
            inCases.MinimumNumberShouldMatch = caseClause.MinimumMatch;
            query.Add(inCases, Occur.SHOULD);
        }
    }

    private const string CasesField = "cases_w";

    /// <summary>The scenario's core words and how they count in a firm's past cases.</summary>
    private sealed record CaseClause(IReadOnlySet<string> CoreTerms, float Weight, int MinimumMatch);

    /// <summary>
    /// How specific a term is to this scenario among all published scenarios. Words every scenario uses (街道, 平台,
    /// 数据, 接入) describe the setting, not the problem; down-weighting them lets the problem's own terms decide.
    /// </summary>
    private Func<Term, float>? ScenarioSpecificity()
    {
        var strength = _tuning.ScenarioSpecificity;
        if (strength <= 0) return null;
        var n = Readable(_scenarios).Search(s => s.IndexReader.NumDocs);
        if (n < 5) return null; // too few scenarios to tell setting from problem
        return term =>
        {
            var df = Readable(_scenarios).Search(s => DocFreq(s, term));
            var idf = Math.Log((n + 1.0) / (df + 0.5)) / Math.Log((n + 1.0) / 0.5);
            return (float)Math.Pow(Math.Clamp(idf, 0.0, 1.0), strength);
        };
    }

    /// <summary>
    /// How many documents hold a term, from the searcher's remembered term contexts: a query weighs a few hundred
    /// candidate terms, and looking each up afresh in every segment's terms dictionary was a tenth of a recommendation's
    /// time over 1,000,000 firms (dotnet-trace). The context is built once and then serves the search as well.
    /// </summary>
    private static int DocFreq(IndexSearcher searcher, Term term) =>
        searcher is TermCachingSearcher cached ? cached.DocFreq(term) : searcher.IndexReader.DocFreq(term);

    // Eligibility filters by rule set. The cache keeps each segment's matching documents as a bitset, so the same rules
    // (scenarios repeat them, and one scenario is asked for many times) cost a bitset lookup instead of a pass over
    // every firm. Segments that change get their bitset recomputed; the dictionary is bounded.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Filter> _eligibilityFilters = new();

    private Filter? EligibilityFilter(EligibilityRules rules)
    {
        var key = string.Join('|', string.Join(',', rules.RequiredQualifications.Order()), rules.MinRegisteredCapitalWan,
            string.Join(',', rules.AllowedRegionPrefixes.Order()), rules.ClosingDayNumber, rules.WinnersAwardedAfterMicros);
        if (_eligibilityFilters.TryGetValue(key, out var cached)) return cached;
        var filter = new BooleanQuery();
        foreach (var q in rules.RequiredQualifications) filter.Add(new TermQuery(new Term("qual", q)), Occur.MUST);
        if (rules.MinRegisteredCapitalWan > 0)
            filter.Add(NumericRangeQuery.NewDoubleRange("capital", (double)rules.MinRegisteredCapitalWan, null, true, true), Occur.MUST);
        if (rules.AllowedRegionPrefixes.Count > 0)
        {
            var regions = new BooleanQuery { MinimumNumberShouldMatch = 1 };
            foreach (var prefix in rules.AllowedRegionPrefixes) regions.Add(new PrefixQuery(new Term("region", prefix)), Occur.SHOULD);
            filter.Add(regions, Occur.MUST);
        }
        if (rules.ClosingDay is not null)
        {
            if (filter.Clauses.Count == 0) filter.Add(new MatchAllDocsQuery(), Occur.MUST);
            filter.Add(NumericRangeQuery.NewInt32Range("suspended_until", rules.ClosingDayNumber, null, true, true), Occur.MUST_NOT);
        }
        if (rules.WinnersAwardedAfter is not null)
        {
            if (filter.Clauses.Count == 0) filter.Add(new MatchAllDocsQuery(), Occur.MUST);
            filter.Add(NumericRangeQuery.NewInt64Range("last_awarded", rules.WinnersAwardedAfterMicros, null, false, true), Occur.MUST_NOT);
        }
        if (filter.Clauses.Count == 0) return null;
        if (_eligibilityFilters.Count > 512) _eligibilityFilters.Clear();
        return _eligibilityFilters.GetOrAdd(key, _ => new BitSetCachingFilter(new QueryWrapperFilter(filter)));
    }

    /// <summary>
    /// Keeps a filter's documents per segment as a plain bitset rather than Lucene's default compressed set: a compressed
    /// set has no random access, so the filtered query fell back to leap-frogging the filter against a heap of every
    /// term's postings (a fifth of a recommendation's time over 1,000,000 firms in dotnet-trace). 1 bit per firm.
    /// </summary>
    private sealed class BitSetCachingFilter(Filter filter) : CachingWrapperFilter(filter)
    {
        protected override DocIdSet CacheImpl(DocIdSetIterator iterator, AtomicReader reader)
        {
            var bits = new FixedBitSet(reader.MaxDoc);
            bits.Or(iterator);
            return bits;
        }
    }

    /// <summary>
    /// Scores a filtered query by the query's own bulk scorer with the filter's bits as the accepted documents, as
    /// deleted documents are skipped. For a disjunction of many terms that is Lucene's window-at-a-time
    /// <c>BooleanScorer</c>, which walks each term's postings once, instead of a scorer advancing a heap of them document by
    /// document. Same documents, same clause scores.
    /// </summary>
    private sealed class EligibleAsAcceptedDocs : FilteredQuery.RandomAccessFilterStrategy
    {
        public static readonly EligibleAsAcceptedDocs Instance = new();

        public override BulkScorer? FilteredBulkScorer(AtomicReaderContext context, Weight weight, bool scoreDocsInOrder, DocIdSet docIdSet) =>
            docIdSet.Bits is { } accepted
                ? weight.GetBulkScorer(context, scoreDocsInOrder, accepted)
                : base.FilteredBulkScorer(context, weight, scoreDocsInOrder, docIdSet);
    }

    public void Dispose()
    {
        _scenarios.Dispose();
        _enterprises.Dispose();
    }
}
