namespace Marketplace.Matching.Search;

/// <summary>
/// The search engine cannot answer right now — Meilisearch is unreachable, or the Lucene index is being rebuilt after
/// its files were lost or damaged. Not a bug: search pages answer 503 with Retry-After (or leave their results out with a
/// message), and everything that does not search keeps working.
/// </summary>
public sealed class SearchUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
