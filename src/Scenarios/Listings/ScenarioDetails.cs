using Marketplace.BuildingBlocks.Caching;
using Marketplace.BuildingBlocks.Data;
using Marketplace.Scenarios.Attachments;

namespace Marketplace.Scenarios.Listings;

/// <summary>What the scenario page shows everyone allowed to see it: the scenario, its files and its questions.</summary>
public sealed record ScenarioDetail(Scenario Scenario, IReadOnlyList<AttachmentInfo> Files, IReadOnlyList<Question> Questions);

/// <summary>
/// The scenario page is the most visited page after the hall. Its three reads are kept per committed state of the
/// database (decision 65) and shared by all viewers of one kind: staff, who see unanswered questions too, and
/// everyone else. Who may see the scenario at all is decided before, per viewer (<c>[ScenarioVisible]</c>); what
/// depends on the viewer or the clock (their own application, whether it still accepts applications) is not kept here.
/// </summary>
public sealed class ScenarioDetails(ScenarioStore scenarios, AttachmentStore files, Questions questions, DataVersion data)
{
    private readonly VersionedCache<ScenarioDetail?> _details = new(capacity: 4096);

    public async Task<ScenarioDetail?> GetAsync(Guid id, bool staff, CancellationToken ct) =>
        await _details.GetOrAddAsync($"{id:N}:{(staff ? "staff" : "all")}", await data.CurrentAsync(ct), async c =>
            await scenarios.GetAsync(id, c) is { } scenario
                ? new ScenarioDetail(scenario, await files.ListAsync(new(id), c), await questions.ListAsync(id, includeUnanswered: staff, c))
                : null, ct);
}
