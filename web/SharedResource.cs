using Marketplace.Web.Features.Admin;
using Marketplace.Web.Features.Directory;
using Marketplace.Web.Features.Home;
using Marketplace.Web.Features.Process;
using Marketplace.Web.Features.Scenarios;
using Marketplace.Web.Infrastructure;
namespace Marketplace.Web;

/// <summary>Marker for the shared UI strings. Keys are the Chinese text; Resources/SharedResource.en.resx has English.</summary>
public sealed class SharedResource;
