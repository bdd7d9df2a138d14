using System.ComponentModel.DataAnnotations;

namespace Marketplace.Web.Notifications;

/// <summary>Section <c>Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";
    public bool Enabled { get; set; } = true;
    [Range(1, 1000)] public int BatchSize { get; set; } = 50;
    [Range(1, 100)] public int MaxAttempts { get; set; } = 8;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>Section <c>Smtp</c>: the relay MailKit sends through (the local inbox in development).</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";
    [Required] public string Host { get; set; } = "127.0.0.1";
    [Range(1, 65535)] public int Port { get; set; } = 2525;
    /// <summary>None, Auto, StartTls, SslOnConnect or StartTlsWhenAvailable (MailKit's SecureSocketOptions).</summary>
    public string Security { get; set; } = "StartTlsWhenAvailable";
    public string? Username { get; set; }
    public string? Password { get; set; }
    [Required, EmailAddress] public string FromAddress { get; set; } = "noreply@marketplace.local";
    public string FromName { get; set; } = "应用场景供需对接平台";
    /// <summary>The domain of generated Message-IDs.</summary>
    public string MessageIdDomain { get; set; } = "marketplace.local";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>DKIM: a PEM private key file; when set, every message is signed (relaxed/relaxed, rsa-sha256).</summary>
    public string? DkimPrivateKeyPath { get; set; }
    /// <summary>The signing domain (d=); defaults to the domain of the from address.</summary>
    public string? DkimDomain { get; set; }
    /// <summary>The selector (s=) under which the public key is published in DNS.</summary>
    public string? DkimSelector { get; set; }
}
