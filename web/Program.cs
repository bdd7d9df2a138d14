using Marketplace.Accounts;
using Marketplace.Enterprises;
using Marketplace.Flows;
using Marketplace.Matching;
using Marketplace.Notifications;
using Marketplace.Scenarios;
using Marketplace.Web.Demo;
using Marketplace.Web.Features.Accounts;
using Marketplace.Flows.Scheduling;
using Marketplace.Flows.Recommending;

var builder = WebApplication.CreateBuilder(args);

// The evaluation needs no database, mail or web server: it runs before any of them is composed.
if (EvalCommand.Matches(args)) return await EvalCommand.RunAsync(args, builder.Configuration);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddMarketplaceDatabase(builder.Configuration);
builder.Services.AddEnterprisesModule();
builder.Services.AddScenariosModule();
builder.Services.AddMatching(builder.Configuration);
builder.Services.AddAccountsModule();
builder.Services.AddNotificationsModule(builder.Configuration);
builder.Services.AddFlows(builder.Configuration);
builder.Services.AddEmail(builder.Configuration);
builder.Services.AddOutbox(builder.Configuration);
builder.Services.AddMarketplaceAuth(builder.Environment, builder.Configuration);
builder.Services.AddApiAntiforgery();
builder.Services.AddIdempotency(builder.Configuration);
builder.Services.AddMarketplaceSecurity(builder.Configuration);
builder.Services.AddMarketplaceSecurityHeaders();
builder.Services.AddMarketplaceWeb(builder.Configuration);
builder.Services.AddOperations(builder.Configuration);
builder.Services.AddDemo(builder.Configuration);

var app = builder.Build();

if (HostCommands.IsCommand(args)) return await HostCommands.RunAsync(app, args);

await app.Services.GetRequiredService<StartupTasks>().RunAsync(app.Lifetime.ApplicationStopping);

app.UseMarketplaceForwardedHeaders();
app.UseMarketplaceSecurityHeaders();
app.UseOperations();
app.UseStaticFiles();
app.UseRequestLocalization();
app.UseRouting();
app.UseRequestLimits();
app.UseRateLimiter();
app.UseMarketplaceAuthentication();
app.UseAuthorization();
app.UseApiAntiforgery();
app.UseIdempotentApiPosts();
app.UseAntiforgery();
app.MapOperations();
app.MapControllers();

await app.RunAsync();
return 0;

public partial class Program;
