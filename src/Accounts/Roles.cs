namespace Marketplace.Accounts;

/// <summary>The roles of accounts, and the claims the host puts a member's firm and an officer's department in.</summary>
public static class Roles
{
    public const string Enterprise = "enterprise";
    public const string Officer = "officer";
    public const string Reviewer = "reviewer";
    public const string Admin = "admin";
    public const string OfficerOrAdmin = Officer + "," + Admin;

    public const string EnterpriseIdClaim = "enterprise_id";
    public const string DepartmentClaim = "department";

    public static string Name(string role) => role switch
    {
        Officer => "部门经办人",
        Reviewer => "评审专家",
        Admin => "平台管理员",
        _ => "企业成员",
    };
}
