using Marketplace.Notifications.Email;
using Marketplace.Notifications.Outbox;

namespace Marketplace.UnitTests;

public sealed class OutboxRetryTests
{
    [Fact]
    public void RetryDelay_GrowsExponentiallyWithJitterAndIsCapped()
    {
        var o = new OutboxOptions { FirstRetryDelay = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromMinutes(5) };
        Assert.InRange(OutboxProcessor.RetryDelay(1, o).TotalSeconds, 8, 12);
        Assert.InRange(OutboxProcessor.RetryDelay(3, o).TotalSeconds, 32, 48);
        Assert.InRange(OutboxProcessor.RetryDelay(30, o).TotalSeconds, 240, 360);
    }

    [Fact]
    public void MessageIdFor_IsStablePerDedupeKey()
    {
        Assert.Equal(MailKitEmailSender.MessageIdFor("a:b", "x.local"), MailKitEmailSender.MessageIdFor("a:b", "x.local"));
        Assert.NotEqual(MailKitEmailSender.MessageIdFor("a:b", "x.local"), MailKitEmailSender.MessageIdFor("a:c", "x.local"));
    }
}
