namespace Marketplace.Scenarios;

/// <summary>Events this module publishes through the outbox; the type strings are versioned contracts.</summary>
public static class ScenarioEvents
{
    public const string ScenarioPublishedV1 = "scenarios.scenario_published.v1";
    public const string ApplicationSubmittedV1 = "scenarios.application_submitted.v1";
    public const string ApplicationWithdrawnV1 = "scenarios.application_withdrawn.v1";
    public const string ScenarioClosedV1 = "scenarios.scenario_closed.v1";
    public const string TermsChangedV1 = "scenarios.terms_changed.v1";
}

public sealed record ScenarioPublished(Guid ScenarioId);

public sealed record ApplicationSubmitted(Guid ApplicationId, Guid ScenarioId, Guid EnterpriseId, Guid SubmittedBy);

public sealed record ApplicationWithdrawn(Guid ApplicationId, Guid ScenarioId, Guid EnterpriseId, Guid WithdrawnBy);

public sealed record ScenarioClosed(Guid ScenarioId);

public sealed record TermsChanged(Guid ScenarioId, string Note, Guid[] ApplicantUserIds);
