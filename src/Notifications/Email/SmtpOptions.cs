using System.ComponentModel.DataAnnotations;

namespace Marketplace.Notifications.Email;

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
