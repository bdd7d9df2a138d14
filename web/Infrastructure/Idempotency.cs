using System.IO.Pipelines;
using Marketplace.Accounts.Api;
using Marketplace.Web.Features.Accounts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Web.Infrastructure;

/// <summary>
/// <c>Idempotency-Key</c> on every POST endpoint under <c>/api/v1</c>, in one place: an authenticated caller's first
/// request with a key runs and its answer (status, content type, Location, body up to a bound) is kept for a day; a
/// repeat of the same request (method, path, body) gets that answer again with <c>Idempotent-Replayed: true</c> and does
/// not run; the key with a different request is 422 <c>idempotency_key_reused</c>; a repeat while the first still runs is
/// 409. 5xx answers are not kept, so the caller may retry. Runs after authorization and the antiforgery check, so refused
/// requests claim nothing. Anonymous calls (objections) have no one to scope a key to and run as usual.
/// </summary>
public static class Idempotency
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static IServiceCollection AddIdempotency(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IdempotencyOptions>().Bind(configuration.GetSection(IdempotencyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>The OpenAPI description offers the optional header on every operation it applies to.</summary>
    public static void Describe(Microsoft.AspNetCore.OpenApi.OpenApiOptions options) =>
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (string.Equals(context.Description.HttpMethod, HttpMethods.Post, StringComparison.OrdinalIgnoreCase)
                && (context.Description.RelativePath ?? "").StartsWith("api/v1/", StringComparison.OrdinalIgnoreCase))
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
                {
                    Name = IdempotencyKeys.HeaderName,
                    In = Microsoft.OpenApi.ParameterLocation.Header,
                    Required = false,
                    Description = "1–255 printable ASCII characters. The first answer is kept for 24 h and replayed (Idempotent-Replayed: true) " +
                                  "to a repeat of the same request; the key with another request is 422, a repeat while the first runs is 409.",
                    Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, MinLength = 1, MaxLength = 255 },
                });
            }
            return Task.CompletedTask;
        });

    public static WebApplication UseIdempotentApiPosts(this WebApplication app)
    {
        app.UseMiddleware<Middleware>();
        return app;
    }

    /// <summary>True for the endpoints the key applies to: POST routes under <c>/api/v1</c> (read from the route table).</summary>
    public static bool Applies(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method)
        && context.Request.Path.StartsWithSegments("/api/v1")
        && context.GetEndpoint()?.Metadata.GetMetadata<IHttpMethodMetadata>() is { } methods
        && methods.HttpMethods.Contains(HttpMethods.Post);

    private sealed class Middleware(RequestDelegate next, IdempotencyKeys keys, Microsoft.Extensions.Options.IOptions<IdempotencyOptions> options)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            if (!Applies(context) || !context.Request.Headers.TryGetValue(IdempotencyKeys.HeaderName, out var values)
                || context.User.Identity?.IsAuthenticated != true)
            {
                await next(context);
                return;
            }
            var key = values.Count == 1 ? values[0] : null;
            if (IdempotencyKeys.Check(key) is { } invalid)
            {
                await WriteProblemAsync(context, StatusCodes.Status400BadRequest, invalid.Code, invalid.Message, field: IdempotencyKeys.HeaderName);
                return;
            }

            var ct = context.RequestAborted;
            context.Request.EnableBuffering();
            var hash = await IdempotencyKeys.RequestHashAsync(context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.Body, ct);
            context.Request.Body.Position = 0;
            var userId = context.User.UserId();
            switch (await keys.ClaimAsync(userId, key!, hash, ct))
            {
                case IdempotencyClaim.Replay(var answer):
                    await ReplayAsync(context, answer);
                    return;
                case IdempotencyClaim.Reused:
                    await WriteProblemAsync(context, StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused",
                        "此 Idempotency-Key 已用于另一个请求，请为新的请求使用新的键", field: IdempotencyKeys.HeaderName);
                    return;
                case IdempotencyClaim.InFlight:
                    context.Response.Headers.RetryAfter = "1";
                    await WriteProblemAsync(context, StatusCodes.Status409Conflict, "idempotency_request_in_flight",
                        "使用此 Idempotency-Key 的相同请求仍在处理中，请稍后重试");
                    return;
                case IdempotencyClaim.AnswerNotKept:
                    await WriteProblemAsync(context, StatusCodes.Status409Conflict, "idempotency_answer_not_kept",
                        "此请求已执行，但其应答过长未保存，无法重放；请查询结果而不要重复提交");
                    return;
            }

            // Claimed: run it, keeping a copy of the answer as it is written.
            var bodyFeature = context.Features.Get<IHttpResponseBodyFeature>()!;
            var capture = new CapturingBody(bodyFeature, options.Value.MaxStoredResponseBytes);
            context.Features.Set<IHttpResponseBodyFeature>(capture);
            try
            {
                await next(context);
                await capture.FinishAsync();
            }
            catch
            {
                await keys.ReleaseAsync(userId, key!, CancellationToken.None);
                throw;
            }
            finally
            {
                context.Features.Set(bodyFeature);
            }
            // The answer is kept even if the caller went away meanwhile: the action ran, and its repeat must not run again.
            if (context.Response.StatusCode >= 500)
                await keys.ReleaseAsync(userId, key!, CancellationToken.None);
            else
                await keys.CompleteAsync(userId, key!, context.Response.StatusCode, context.Response.ContentType,
                    context.Response.Headers.Location.Count > 0 ? context.Response.Headers.Location.ToString() : null,
                    capture.Captured, CancellationToken.None);
        }

        private static async Task ReplayAsync(HttpContext context, StoredAnswer answer)
        {
            context.Response.StatusCode = answer.Status;
            context.Response.Headers[ReplayedHeader] = "true";
            if (answer.Location is not null) context.Response.Headers.Location = answer.Location;
            if (answer.ContentType is not null) context.Response.ContentType = answer.ContentType;
            if (answer.Body.Length > 0) await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
        }

        private static Task WriteProblemAsync(HttpContext context, int status, string code, string title, string? field = null)
        {
            var problem = field is null ? new ProblemDetails() : new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [title] });
            problem.Status = status;
            problem.Title = title;
            problem.Type = $"https://marketplace.local/problems/{code}";
            problem.Extensions["code"] = code;
            context.Response.StatusCode = status;
            return context.Response.WriteAsJsonAsync(problem, problem.GetType(), (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
        }
    }

    /// <summary>
    /// The response body, passed through unchanged to the real one while the first <c>limit</c> bytes are copied.
    /// Nothing is flushed or started that the inner pipeline would not, so status code pages still fill an empty 404.
    /// </summary>
    private sealed class CapturingBody(IHttpResponseBodyFeature inner, int limit) : Stream, IHttpResponseBodyFeature
    {
        private readonly MemoryStream _copy = new();
        private bool _overflow;
        private PipeWriter? _writer;

        /// <summary>The body as written, or null when it was longer than the bound.</summary>
        public byte[]? Captured => _overflow ? null : _copy.ToArray();

        public Stream Stream => this;
        public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));
        public void DisableBuffering() => inner.DisableBuffering();
        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
            SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);

        public async Task CompleteAsync()
        {
            await FinishAsync();
            await inner.CompleteAsync();
        }

        /// <summary>Pushes what the pipe writer (if anyone used it) still holds into the body.</summary>
        public async Task FinishAsync()
        {
            if (_writer is null) return;
            await _writer.FlushAsync();
        }

        private void Copy(ReadOnlySpan<byte> data)
        {
            if (_overflow) return;
            if (_copy.Length + data.Length > limit) { _overflow = true; _copy.SetLength(0); return; }
            _copy.Write(data);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Copy(buffer);
            inner.Stream.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Copy(buffer.Span);
            return inner.Stream.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Stream.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.Stream.FlushAsync(cancellationToken);
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
