namespace Marketplace.Enterprises;

public static class EnterpriseEvents
{
    /// <summary>A firm's profile or verified qualifications changed: its search entry needs refreshing.</summary>
    public const string ProfileChangedV1 = "enterprises.profile_changed.v1";
}

public sealed record ProfileChanged(Guid EnterpriseId, DateTimeOffset ChangedAt);
