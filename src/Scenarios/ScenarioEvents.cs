namespace Marketplace.Scenarios;

/// <summary>Events this module publishes through the outbox; the type strings are versioned contracts.</summary>
public static class ScenarioEvents
{
    public const string ScenarioPublishedV1 = "scenarios.scenario_published.v1";
    public const string ApplicationSubmittedV1 = "scenarios.application_submitted.v1";
    public const string ApplicationWithdrawnV1 = "scenarios.application_withdrawn.v1";
    public const string ScenarioClosedV1 = "scenarios.scenario_closed.v1";
    public const string TermsChangedV1 = "scenarios.terms_changed.v1";
    public const string ReviewAssignedV1 = "scenarios.review_assigned.v1";
    public const string DecisionRecordedV1 = "scenarios.decision_recorded.v1";
    public const string AwardsFinalV1 = "scenarios.awards_final.v1";
    public const string ObjectionFiledV1 = "scenarios.objection_filed.v1";
    public const string ObjectionAnsweredV1 = "scenarios.objection_answered.v1";
    /// <summary>A lead named a member firm in its consortium application: the member's people are asked to confirm.</summary>
    public const string ConsortiumRequestedV1 = "scenarios.consortium_requested.v1";
    /// <summary>A named member firm declined: the lead is told; the application does not count until it changes.</summary>
    public const string ConsortiumDeclinedV1 = "scenarios.consortium_declined.v1";
    /// <summary>An objection filed with an email address waits for its link to be followed; the payload carries the link's token.</summary>
    public const string ObjectionConfirmationRequestedV1 = "scenarios.objection_confirmation_requested.v1";
    /// <summary>A firm won an award: its track record changed (rules that exclude recent winners now apply to it).</summary>
    public const string EnterpriseAwardedV1 = "scenarios.enterprise_awarded.v1";

    /// <summary>
    /// Events that name applicants, and the emails they cause (whose dedupe keys start with the event type): operators'
    /// views of the outbox leave them out, since before the deadline they would tell who applied, or how many did.
    /// </summary>
    public static readonly IReadOnlyList<string> NamingApplicants = [ApplicationSubmittedV1, ApplicationWithdrawnV1, TermsChangedV1, ConsortiumRequestedV1, ConsortiumDeclinedV1];
}

public sealed record EnterpriseAwarded(Guid ScenarioId, Guid EnterpriseId);

public sealed record ReviewAssigned(Guid AssignmentId, Guid ApplicationId, Guid ReviewerId);

/// <summary>The officer chose the proposed winners; publicity (公示) runs until <paramref name="PublicityEndsAt"/>.</summary>
public sealed record DecisionRecorded(Guid ScenarioId, DateTimeOffset PublicityEndsAt);

public sealed record AwardsFinal(Guid ScenarioId);

public sealed record ObjectionFiled(Guid ObjectionId, Guid ScenarioId);

public sealed record ObjectionConfirmationRequested(Guid ObjectionId, Guid ScenarioId, string Email, string Name, string Token, DateTimeOffset ExpiresAt);

public sealed record ObjectionAnswered(Guid ObjectionId, Guid ScenarioId, string Outcome);

/// <param name="AutoInvite">False when the officer chose the invitees before publishing (they are invited by the publishing flow).</param>
public sealed record ScenarioPublished(Guid ScenarioId, bool AutoInvite = true);

/// <param name="SubmittedAt">When this submission was made (each submission gets its own receipt).</param>
public sealed record ApplicationSubmitted(Guid ApplicationId, Guid ScenarioId, Guid EnterpriseId, Guid SubmittedBy, DateTimeOffset? SubmittedAt = null);

public sealed record ApplicationWithdrawn(Guid ApplicationId, Guid ScenarioId, Guid EnterpriseId, Guid WithdrawnBy);

public sealed record ScenarioClosed(Guid ScenarioId);

public sealed record ConsortiumRequested(Guid ApplicationId, Guid ScenarioId, Guid LeadEnterpriseId, Guid MemberEnterpriseId);

public sealed record ConsortiumDeclined(Guid ApplicationId, Guid ScenarioId, Guid LeadEnterpriseId, Guid MemberEnterpriseId);

public sealed record TermsChanged(Guid ScenarioId, string Note, Guid[] ApplicantUserIds);
