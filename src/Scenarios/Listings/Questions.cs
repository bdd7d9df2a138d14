using Dapper;
using Marketplace.BuildingBlocks.Audit;
using Marketplace.BuildingBlocks.Results;
using Npgsql;

namespace Marketplace.Scenarios.Listings;

public sealed record Question
{
    public Guid Id { get; init; }
    public string Text { get; init; } = "";
    public DateTimeOffset AskedAt { get; init; }
    public string? Answer { get; init; }
    public DateTimeOffset? AnsweredAt { get; init; }
}

/// <summary>
/// Questions and answers (答疑) while a scenario is open: firms ask, officers answer publicly. Answers are published
/// without the asker's name, so every firm learns the same thing.
/// </summary>
public sealed class Questions(NpgsqlDataSource db, TimeProvider clock)
{
    public async Task<Result<Guid>> AskAsync(Guid scenarioId, Guid userId, string? text, CancellationToken ct)
    {
        if (text?.Trim().Length is not (>= 5 and <= 2000)) return Error.Invalid("question_length", "问题应为 5–2000 字", "Question");
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var scenario = await ScenarioStore.GetAsync(conn, tx, scenarioId, ct);
        if (scenario is null || !scenario.IsPublic) return Error.NotFound("scenario_not_found", "场景不存在");
        if (scenario.CheckAcceptsApplications(now) is { } refusal) return refusal;
        var id = Guid.CreateVersion7();
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into scenarios.questions (id, scenario_id, asked_by, question, asked_at) values (@id, @scenarioId, @userId, @text, @now)
            """, new { id, scenarioId, userId, text = text.Trim(), now }, tx, cancellationToken: ct));
        await AuditLog.AppendAsync(conn, tx, userId, "question.asked", "scenario", scenarioId.ToString(), null, new { question = id }, now, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    public async Task<Result<Guid>> AnswerAsync(Guid questionId, Guid officerId, string? answer, CancellationToken ct)
    {
        if (answer?.Trim().Length is not (>= 2 and <= 5000)) return Error.Invalid("answer_length", "答复应为 2–5000 字", "Answer");
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var scenarioId = await conn.ExecuteScalarAsync<Guid?>(new CommandDefinition("""
            update scenarios.questions set answer = @answer, answered_by = @officerId, answered_at = @now
            where id = @questionId and answer is null returning scenario_id
            """, new { questionId, answer = answer.Trim(), officerId, now }, tx, cancellationToken: ct));
        if (scenarioId is null) return Error.Conflict("already_answered", "该问题已答复或不存在");
        await AuditLog.AppendAsync(conn, tx, officerId, "question.answered", "scenario", scenarioId.Value.ToString(), null, new { question = questionId }, now, ct);
        await tx.CommitAsync(ct);
        return questionId;
    }

    /// <param name="includeUnanswered">Officers see open questions too; everyone else only the answered ones.</param>
    public async Task<IReadOnlyList<Question>> ListAsync(Guid scenarioId, bool includeUnanswered, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Question>(new CommandDefinition("""
            select id, question as text, asked_at, answer, answered_at from scenarios.questions
            where scenario_id = @scenarioId and (@includeUnanswered or answer is not null)
            order by asked_at
            """, new { scenarioId, includeUnanswered }, cancellationToken: ct))).ToList();
    }
}
