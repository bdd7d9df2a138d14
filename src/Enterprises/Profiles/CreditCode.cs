namespace Marketplace.Enterprises.Profiles;

/// <summary>
/// 统一社会信用代码 (GB 32100-2015): 18 characters over a 31-symbol alphabet; characters 9–17 carry the
/// organisation code of GB 11714 with its own check character, and character 18 checks the whole.
/// </summary>
public static class CreditCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    private static readonly int[] OrgWeights = [3, 7, 9, 10, 5, 8, 4, 2];

    public enum Problem { None, Length, Character, OrganisationCheck, Check }

    public static Problem Validate(string? code)
    {
        if (code is null || code.Length != 18) return Problem.Length;
        foreach (var c in code)
            if (Alphabet.IndexOf(c) < 0) return Problem.Character;
        if (OrganisationCheckChar(code.AsSpan(8, 8)) != code[16]) return Problem.OrganisationCheck;
        if (CheckChar(code.AsSpan(0, 17)) != code[17]) return Problem.Check;
        return Problem.None;
    }

    public static bool IsValid(string? code) => Validate(code) == Problem.None;

    /// <summary>A message a person can act on, in Chinese, or null when the code is valid.</summary>
    public static string? Describe(string? code) => Validate(code) switch
    {
        Problem.None => null,
        Problem.Length => "统一社会信用代码应为18位",
        Problem.Character => "统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）",
        Problem.OrganisationCheck => "统一社会信用代码第9–17位的组织机构代码校验位不正确",
        _ => "统一社会信用代码校验位（第18位）不正确，请核对",
    };

    /// <summary>Completes 16 leading characters (registration office, type, region, organisation body) into a valid code.</summary>
    public static string Complete(string first16)
    {
        if (first16.Length != 16 || first16.Any(c => Alphabet.IndexOf(c) < 0))
            throw new ArgumentException($"Expected 16 characters of the code alphabet, got '{first16}'.", nameof(first16));
        var seventeen = first16 + OrganisationCheckChar(first16.AsSpan(8, 8));
        return seventeen + CheckChar(seventeen);
    }

    private static char CheckChar(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += Alphabet.IndexOf(first17[i]) * Weights[i];
        var value = (31 - sum % 31) % 31;
        return Alphabet[value];
    }

    private static char OrganisationCheckChar(ReadOnlySpan<char> body)
    {
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var c = body[i];
            var value = char.IsDigit(c) ? c - '0' : c - 'A' + 10;
            sum += value * OrgWeights[i];
        }
        return (11 - sum % 11) switch { 10 => 'X', 11 => '0', var v => (char)('0' + v) };
    }
}
