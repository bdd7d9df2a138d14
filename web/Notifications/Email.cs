using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace Marketplace.Web.Notifications;

/// <summary>A rendered email. <see cref="DedupeKey"/> is (event, recipient) and also fixes the Message-ID.</summary>
/// <param name="UnsubscribeUrl">For non-essential mail: sent as List-Unsubscribe with one-click POST (RFC 8058).</param>
public sealed record EmailMessage(string DedupeKey, string To, string Subject, string TextBody, string HtmlBody, string? UnsubscribeUrl = null);

/// <summary>Sends an email. Two real implementations: MailKit over SMTP, and the test harness's in-process server.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage email, CancellationToken ct);
}

public sealed class MailKitEmailSender(IOptions<SmtpOptions> options) : IEmailSender
{
    public async Task SendAsync(EmailMessage email, CancellationToken ct)
    {
        var o = options.Value;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(o.FromName, o.FromAddress));
        message.To.Add(MailboxAddress.Parse(email.To));
        message.Subject = email.Subject;
        // A Message-ID derived from the dedupe key: a resend after a crash carries the same id, so receivers can drop it.
        message.MessageId = MessageIdFor(email.DedupeKey, o.MessageIdDomain);
        message.Body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody }.ToMessageBody();
        if (email.UnsubscribeUrl is { } unsubscribe)
        {
            message.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }

        using var client = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        await client.ConnectAsync(o.Host, o.Port, Enum.Parse<SecureSocketOptions>(o.Security, ignoreCase: true), ct);
        if (!string.IsNullOrEmpty(o.Username)) await client.AuthenticateAsync(o.Username, o.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }

    public static string MessageIdFor(string dedupeKey, string domain) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dedupeKey)))[..32] + "@" + domain;
}

/// <summary>Delivers <c>email.v1</c> outbox rows.</summary>
public sealed class EmailDeliveryHandler(IEmailSender sender) : IOutboxHandler
{
    public string Type => OutboxEnqueue.EmailV1;

    public Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var email = JsonSerializer.Deserialize<EmailMessage>(message.Payload, Marketplace.BuildingBlocks.Outbox.OutboxWriter.Json)
                    ?? throw new InvalidOperationException("Empty email payload.");
        return sender.SendAsync(email, ct);
    }
}
