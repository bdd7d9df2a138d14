namespace Marketplace.BuildingBlocks.Results;

public enum ErrorKind
{
    Invalid,
    NotFound,
    Conflict,
    Forbidden,
}

/// <summary>An expected rejection: a stable <see cref="Code"/> for machines, a message for people,
/// and optionally the form field it concerns.</summary>
public sealed record Error(ErrorKind Kind, string Code, string Message, string? Field = null)
{
    public static Error Invalid(string code, string message, string? field = null) => new(ErrorKind.Invalid, code, message, field);
    public static Error NotFound(string code, string message) => new(ErrorKind.NotFound, code, message);
    public static Error Conflict(string code, string message) => new(ErrorKind.Conflict, code, message);
    public static Error Forbidden(string code, string message) => new(ErrorKind.Forbidden, code, message);
}

public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T value)
    {
        _value = value;
        Errors = [];
    }

    private Result(IReadOnlyList<Error> errors) => Errors = errors;

    public IReadOnlyList<Error> Errors { get; }
    public bool IsSuccess => Errors.Count == 0;
    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"Result failed: {Errors[0].Code}");
    public Error FirstError => Errors[0];

    public static Result<T> Ok(T value) => new(value);
    public static Result<T> Fail(Error error) => new([error]);
    public static Result<T> Fail(IReadOnlyList<Error> errors) =>
        errors.Count == 0 ? throw new ArgumentException("A failure needs at least one error.", nameof(errors)) : new(errors);

    public static implicit operator Result<T>(T value) => Ok(value);
    public static implicit operator Result<T>(Error error) => Fail(error);
}
