namespace Marketplace.Web.Accounts;

public static class Roles
{
    public const string Enterprise = "enterprise";
    public const string Officer = "officer";
    public const string Reviewer = "reviewer";
    public const string Admin = "admin";
    public const string OfficerOrAdmin = Officer + "," + Admin;

    public const string EnterpriseIdClaim = "enterprise_id";
    public const string DepartmentClaim = "department";
}
