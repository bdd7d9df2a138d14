// The host's own feature namespaces, used across controllers, forms and setup: named once here instead of in every file.
global using Marketplace.Web.Features.Admin;
global using Marketplace.Web.Features.Directory;
global using Marketplace.Web.Features.Home;
global using Marketplace.Web.Features.Process;
global using Marketplace.Web.Features.Scenarios;
global using Marketplace.Web.Infrastructure;
