using System.ComponentModel.DataAnnotations;

namespace Marketplace.Matching;

/// <summary>Matching settings (section <c>Matching</c>). Feature weights are relative; they need not sum to 1.</summary>
public sealed class MatchingOptions
{
    public const string Section = "Matching";

    /// <summary><c>lucene</c> (embedded, default) or <c>meilisearch</c> (shared index; needs <c>Meilisearch:Url</c>).</summary>
    [RegularExpression("^(lucene|meilisearch)$", ErrorMessage = "Matching:Engine must be lucene or meilisearch")]
    public string Engine { get; set; } = "lucene";

    /// <summary>Index root folder; empty means in memory (rebuilt from the database on every start).</summary>
    public string? IndexPath { get; set; }

    /// <summary>How often the embedded index's files are checked for loss or damage (then it is rebuilt from the database).</summary>
    public TimeSpan IndexCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An extra thesaurus file in the format of the built-in one, read in addition to it.</summary>
    public string? ThesaurusPath { get; set; }

    [Range(10, 5000)] public int CandidatePool { get; set; } = 100;

    /// <summary>Visitor search answers (hall, capability list, home page) kept per index generation (Lucene); 0 turns it off.</summary>
    [Range(0, 100_000)] public int SearchCacheEntries { get; set; } = 1024;

    public FeatureWeights Weights { get; set; } = new();

    public RetrievalTuning Retrieval { get; set; } = new();

    /// <summary>Share of the top slots kept for small firms (科技型中小企业 or fewer than 100 staff) when one is
    /// close enough in score to the firm it would displace (see <see cref="ExposureFloor"/>).</summary>
    [Range(0, 1)] public double SmallFirmShare { get; set; } = 0.2;

    /// <summary>A small firm is promoted only if its score is at least this fraction of the displaced one's.</summary>
    [Range(0, 1)] public double ExposureFloor { get; set; } = 0.9;
}

public sealed class FeatureWeights
{
    [Range(0, 10)] public double Text { get; set; } = 1.0;
    [Range(0, 10)] public double Technology { get; set; } = 0.03;
    [Range(0, 10)] public double Domain { get; set; } = 0.02;
    [Range(0, 10)] public double Qualification { get; set; } = 0.02;
    [Range(0, 10)] public double Region { get; set; } = 0.02;
    [Range(0, 10)] public double Load { get; set; } = 0.05;
    /// <summary>
    /// Case evidence: how strongly one of the firm's past cases names what the scenario asks for, with words weighed
    /// by how rare they are among the candidates (so the shared setting counts little).
    /// </summary>
    [Range(0, 10)] public double Evidence { get; set; } = 0;
    /// <summary>
    /// Delivery fit, as a share of the text score: a firm whose stated way of delivering contradicts the scenario's
    /// demands (public-cloud SaaS where data must stay in the government network, commercial use where it is forbidden)
    /// loses this share per conflict (down to a tenth of its score); one stating the required way gains half of it.
    /// </summary>
    [Range(0, 10)] public double Fit { get; set; } = 0.5;
    /// <summary>
    /// Role, as a share of the text score: a firm whose description names a role the scenario did not ask for
    /// (testing or certification, training, simulation, consulting or planning, reselling, manual service, operating
    /// such systems itself; lexicon <c>Text/roles.txt</c>) loses this share.
    /// </summary>
    [Range(0, 10)] public double Role { get; set; } = 0.5;
}

/// <summary>How the engine turns a scenario into a query (section <c>Matching:Retrieval</c>).</summary>
public sealed class RetrievalTuning
{
    [Range(0, 10)] public double WordWeight { get; set; } = 1.0;
    [Range(0, 10)] public double BigramWeight { get; set; } = 0.5;
    /// <summary>Weight of thesaurus equivalents relative to the scenario's own terms.</summary>
    [Range(0, 10)] public double SynonymWeight { get; set; } = 0.5;
    /// <summary>Boost of an exact technology-tag match.</summary>
    [Range(0, 20)] public double TechnologyTagWeight { get; set; } = 1.0;
    /// <summary>
    /// Weight of the words of what a scenario asks for (title, summary, technologies) found in a firm's past cases, on
    /// top of its whole text; they count only when the cases hold at least <see cref="CaseMinimumMatch"/> of them
    /// (0 turns it off).
    /// </summary>
    [Range(0, 10)] public double CasesWeight { get; set; } = 1.5;
    [Range(1, 10)] public int CaseMinimumMatch { get; set; } = 4;
    /// <summary>
    /// How many extra times the wanted part of a scenario's description (from 希望/拟建设/需要建设 … on) enters the query,
    /// so the deliverable outweighs the setting that many unsuitable firms share.
    /// </summary>
    [Range(0, 5)] public int AskEmphasis { get; set; } = 1;
    /// <summary>Exponent of the down-weighting of terms common to many scenarios (0 turns it off).</summary>
    [Range(0, 5)] public double ScenarioSpecificity { get; set; } = 1.0;
    [Range(0.1, 5)] public double Bm25K1 { get; set; } = 1.2;
    /// <summary>On large indexes, the most query terms kept per field (strongest by weight × idf).</summary>
    [Range(8, 300)] public int MaxTermsPerField { get; set; } = 32;
    /// <summary>On large indexes, the most thesaurus-equivalent terms kept per field.</summary>
    [Range(0, 300)] public int MaxExpansionTermsPerField { get; set; } = 8;
    /// <summary>On large indexes, thesaurus equivalents in more than this share of all firms are dropped.</summary>
    [Range(0.001, 1)] public double MaxExpansionDocFrequency { get; set; } = 0.005;
    /// <summary>On large indexes, terms in more than this share of all firms are dropped as too common to tell firms apart.</summary>
    [Range(0.01, 1)] public double MaxDocFrequency { get; set; } = 0.02;
    [Range(0, 1)] public double Bm25B { get; set; } = 0.3;
}
