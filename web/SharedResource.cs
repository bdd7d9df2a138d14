namespace Marketplace.Web;

/// <summary>Marker for the shared UI strings. Keys are the Chinese text; Resources/SharedResource.en.resx has English.</summary>
public sealed class SharedResource;
