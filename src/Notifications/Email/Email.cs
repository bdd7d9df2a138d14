using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Marketplace.BuildingBlocks.Outbox;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;
using Npgsql;

namespace Marketplace.Notifications.Email;

/// <summary>A rendered email. <see cref="DedupeKey"/> is (event, recipient) and also fixes the Message-ID.</summary>
/// <param name="UnsubscribeUrl">For non-essential mail: sent as List-Unsubscribe with one-click POST (RFC 8058).</param>
public sealed record EmailMessage(string DedupeKey, string To, string Subject, string TextBody, string HtmlBody, string? UnsubscribeUrl = null);

/// <summary>Sends an email. Two real implementations: MailKit over SMTP, and the test harness's in-process server.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage email, CancellationToken ct);
}

/// <summary>
/// Sends through MailKit. One SMTP connection is kept open and reused between messages (a batch of thousands does not
/// pay a handshake each); it is re-opened after an error or when the server closed it. Optional DKIM signing.
/// </summary>
public sealed class MailKitEmailSender(IOptions<SmtpOptions> options) : IEmailSender, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SmtpClient? _client;
    private DkimSigner? _dkim;
    private bool _dkimLoaded;

    public async Task SendAsync(EmailMessage email, CancellationToken ct)
    {
        var o = options.Value;
        var message = Build(email, o);
        if (Dkim(o) is { } signer)
        {
            message.Prepare(EncodingConstraint.SevenBit);
            signer.Sign(message, [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId, HeaderId.ContentType, HeaderId.MimeVersion]);
        }
        await _gate.WaitAsync(ct);
        try
        {
            var client = await ConnectedAsync(o, ct);
            try
            {
                await client.SendAsync(message, ct);
            }
            catch (Exception e) when (e is ServiceNotConnectedException or IOException or SmtpProtocolException && !ct.IsCancellationRequested)
            {
                // The server dropped an idle connection: open a new one and try once more.
                Drop();
                await (await ConnectedAsync(o, ct)).SendAsync(message, ct);
            }
        }
        catch
        {
            Drop();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    internal static MimeMessage Build(EmailMessage email, SmtpOptions o)
    {
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
        return message;
    }

    private DkimSigner? Dkim(SmtpOptions o)
    {
        if (_dkimLoaded) return _dkim;
        _dkimLoaded = true;
        if (string.IsNullOrEmpty(o.DkimPrivateKeyPath)) return null;
        return _dkim = new DkimSigner(o.DkimPrivateKeyPath, o.DkimDomain ?? o.FromAddress.Split('@')[1], o.DkimSelector ?? "marketplace")
        {
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
            AgentOrUserIdentifier = "@" + (o.DkimDomain ?? o.FromAddress.Split('@')[1]),
        };
    }

    private async Task<SmtpClient> ConnectedAsync(SmtpOptions o, CancellationToken ct)
    {
        if (_client is { IsConnected: true }) return _client;
        Drop();
        var client = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        // Our own socket with Nagle off: SMTP is small commands each waiting for a reply, where Nagle's algorithm and
        // delayed ACKs can cost ~40 ms a message (the same stall measured on the test server's side, see README).
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(o.Host, o.Port, ct);
            await client.ConnectAsync(socket, o.Host, o.Port, Enum.Parse<SecureSocketOptions>(o.Security, ignoreCase: true), ct);
        }
        catch
        {
            socket.Dispose();
            client.Dispose();
            throw;
        }
        if (!string.IsNullOrEmpty(o.Username)) await client.AuthenticateAsync(o.Username, o.Password ?? "", ct);
        return _client = client;
    }

    private void Drop()
    {
        try { _client?.Dispose(); } catch { /* already broken */ }
        _client = null;
    }

    public void Dispose()
    {
        if (_client is { IsConnected: true } c)
        {
            try { c.Disconnect(true); } catch { /* closing anyway */ }
        }
        Drop();
        _gate.Dispose();
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
        var email = JsonSerializer.Deserialize<EmailMessage>(message.Payload, OutboxWriter.Json)
                    ?? throw new InvalidOperationException("Empty email payload.");
        return sender.SendAsync(email, ct);
    }
}

/// <summary>Puts a rendered email into the outbox, inside the caller's transaction.</summary>
public static class OutboxEnqueue
{
    /// <summary>Type of a rendered email waiting to be sent.</summary>
    public const string EmailV1 = "email.v1";

    public static Task<bool> EmailAsync(NpgsqlConnection conn, NpgsqlTransaction tx, EmailMessage email, DateTimeOffset now, CancellationToken ct) =>
        OutboxWriter.EnqueueAsync(conn, tx, EmailV1, email.DedupeKey, email, now, ct);
}
